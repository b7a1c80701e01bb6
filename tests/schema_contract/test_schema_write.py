"""`make schema` (scripts/schema.py write) rewrites only the files whose content changed, and says
which, so `make up` reports "unchanged" for the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.schema_contract.repository import REPO_ROOT


def test_write_says_unchanged_for_the_files_it_leaves_alone(tmp_path):
    schema_dir = tmp_path / "schema"
    shutil.copytree(REPO_ROOT / "schema", schema_dir)
    users = schema_dir / "users.graphql"
    users.write_text(users.read_text().replace("type User", "type StaleUser", 1))

    result = subprocess.run(
        [sys.executable, "-m", "scripts.schema", "write"],
        cwd=REPO_ROOT,
        env={**os.environ, "SCHEMA_DIR": str(schema_dir)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    reports = {line.split()[-1]: line.split()[0] for line in result.stdout.splitlines()}
    assert reports == {
        "router/page-size.json": "unchanged",
        str(users): "wrote",
        str(schema_dir / "posts.graphql"): "unchanged",
        str(schema_dir / "supergraph.graphql"): "unchanged",
        str(schema_dir / "api.graphql"): "unchanged",
        str(schema_dir / "persisted-query-manifest.json"): "unchanged",
    }
    assert users.read_text() == (REPO_ROOT / "schema" / "users.graphql").read_text()
