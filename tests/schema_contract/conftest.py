"""A throwaway git repository holding a copy of the committed schema/, for the schema checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.schema_contract.repository import REPO_ROOT, commit, git


@pytest.fixture
def schema_repository(tmp_path: Path) -> Path:
    """A git repository whose first commit holds a copy of the committed schema/."""
    shutil.copytree(REPO_ROOT / "schema", tmp_path / "schema")
    git(tmp_path, "init", "-q")
    commit(tmp_path, "schema as committed")
    return tmp_path
