"""A throwaway git repository holding a copy of the committed schema/, for the schema checks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.schema_contract.repository import REPO_ROOT, commit, git


@pytest.fixture
def schema_repository(tmp_path: Path) -> Path:
    """A git repository whose first commit holds a copy of the committed schema/, its api.graphql
    accepted as the contract (the project's own accepted version may be an older blob, which this
    repository's history does not hold)."""
    schema_dir = tmp_path / "schema"
    shutil.copytree(REPO_ROOT / "schema", schema_dir)
    git(tmp_path, "init", "-q")
    blob_id = git(tmp_path, "hash-object", "-w", "schema/api.graphql").strip()
    record = schema_dir / "ACCEPTED_API"
    record.write_text(
        re.sub(r"^blob [0-9a-f]+$", f"blob {blob_id}", record.read_text(), flags=re.M)
    )
    commit(tmp_path, "schema as committed")
    return tmp_path
