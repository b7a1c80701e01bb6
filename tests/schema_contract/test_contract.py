"""The API schema keeps the contract last accepted: a breaking change made in any commit since
fails `make schema-check` until BREAKING_CHANGES_ACCEPTED.md acknowledges it.

Each test works on a throwaway git repository holding a copy of schema/ (SCHEMA_DIR points the
scripts there). Its accepted schema is today's api.graphql plus a field, `User.nickname`, that
clients were given and a later commit removed: today's files still match the code, so the whole
`scripts/schema.py check` runs on them as CI does.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.schema_contract.repository import REPO_ROOT, commit, git

REMOVED = "Field User.nickname was removed."
INNOCENT_OPERATION = "query Viewer {\n  me {\n    id\n  }\n}\n"


def load_contract() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "schema_contract", REPO_ROOT / "scripts" / "schema_contract.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contract = load_contract()


def schema_script(repository: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.schema", command],
        cwd=REPO_ROOT,
        env={**os.environ, "SCHEMA_DIR": str(repository / "schema")},
        capture_output=True,
        text=True,
        check=False,
    )


def acknowledge(repository: Path, change: str) -> None:
    """List `change` under the pending heading (the last section of the committed file)."""
    acknowledgements = repository / "schema" / contract.ACKNOWLEDGEMENTS_FILE
    assert acknowledgements.read_text().rstrip().endswith(contract.PENDING_HEADING)
    with acknowledgements.open("a") as file:
        file.write(f"\n- {change}\n")


@pytest.fixture
def accepted_with_nickname(schema_repository: Path) -> Path:
    """Clients were given User.nickname: accepted, then removed in the last commit."""
    api = schema_repository / "schema" / "api.graphql"
    today = api.read_text()
    api.write_text(
        today.replace("  isVerified: Boolean!\n", "  isVerified: Boolean!\n  nickname: String\n", 1)
    )
    commit(schema_repository, "give clients User.nickname")
    accepted = schema_script(schema_repository, "accept")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    commit(schema_repository, "accept the schema")
    api.write_text(today)
    return schema_repository


def test_a_breaking_commit_followed_by_an_innocent_one_fails_the_check(accepted_with_nickname):
    repository = accepted_with_nickname
    commit(repository, "drop User.nickname")
    (repository / "schema" / "operations" / "viewer.graphql").write_text(INNOCENT_OPERATION)
    commit(repository, "add an operation")
    # The last commit changed nothing in api.graphql: a check against HEAD~1 would pass.
    assert git(repository, "diff", "HEAD~1", "--", "schema/api.graphql") == ""

    result = schema_script(repository, "check")

    assert result.returncode == 1
    assert f"- {REMOVED}" in result.stdout
    # Says how to acknowledge it.
    assert "BREAKING_CHANGES_ACCEPTED.md" in result.stdout
    assert contract.PENDING_HEADING.removeprefix("## ") in result.stdout


def test_an_acknowledged_breaking_change_passes_the_check(accepted_with_nickname):
    repository = accepted_with_nickname
    commit(repository, "drop User.nickname")
    acknowledge(repository, REMOVED)
    commit(repository, "acknowledge the removal")

    result = schema_script(repository, "check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"acknowledged in BREAKING_CHANGES_ACCEPTED.md: {REMOVED}" in result.stdout


def test_a_commit_message_acknowledges_nothing(accepted_with_nickname):
    # Only the reviewed file counts: a message is not in the tree the next commit checks.
    commit(accepted_with_nickname, "drop User.nickname [breaking-schema]")
    [problem] = contract.check(accepted_with_nickname / "schema")
    assert REMOVED in problem


def test_an_acknowledgement_of_another_change_does_not_count(accepted_with_nickname):
    acknowledge(accepted_with_nickname, "Field User.email was removed.")
    [problem] = contract.check(accepted_with_nickname / "schema")
    assert REMOVED in problem
    assert "User.email" not in problem


def test_accepting_needs_every_breaking_change_acknowledged_then_files_them(
    accepted_with_nickname,
):
    repository = accepted_with_nickname
    schema_dir = repository / "schema"
    commit(repository, "drop User.nickname")
    refused = schema_script(repository, "accept")
    assert refused.returncode == 1
    assert REMOVED in refused.stdout

    acknowledge(repository, REMOVED)
    commit(repository, "acknowledge the removal")
    accepted = schema_script(repository, "accept")

    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (
        git(repository, "rev-parse", "HEAD:schema/api.graphql").strip()
        in (schema_dir / contract.RECORD_FILE).read_text()
    )
    assert contract.pending_acknowledgements(schema_dir) == []
    filed = (schema_dir / contract.ACKNOWLEDGEMENTS_FILE).read_text()
    assert filed.index("## Accepted on") < filed.index(f"- {REMOVED}")
    assert contract.check(schema_dir) == []


def test_accepting_refuses_an_uncommitted_api_schema(schema_repository):
    api = schema_repository / "schema" / "api.graphql"
    api.write_text(api.read_text() + "\nscalar Uncommitted\n")
    refused = schema_script(schema_repository, "accept")
    assert refused.returncode == 1
    assert "commit it first" in refused.stdout


def test_without_an_accepted_schema_the_check_fails_and_names_the_command(schema_repository):
    (schema_repository / "schema" / contract.RECORD_FILE).unlink()
    [problem] = contract.check(schema_repository / "schema")
    assert "make schema-accept" in problem


def test_an_accepted_schema_missing_from_the_history_fails_and_says_to_fetch_it(tmp_path):
    # A shallow clone has today's files but not the accepted api.graphql they changed from.
    schema_dir = tmp_path / "schema"
    shutil.copytree(REPO_ROOT / "schema", schema_dir)
    git(tmp_path, "init", "-q")
    commit(tmp_path, "today's schema only")
    never_committed = contract.blob_id(b"type Query {\n  nickname: String\n}\n")
    (schema_dir / contract.RECORD_FILE).write_text(f"blob {never_committed}\n")

    [problem] = contract.check(schema_dir)

    assert never_committed in problem
    assert "git fetch --unshallow" in problem
