"""The schema check fails, saying why and how to fix it, on each kind of drift it guards against.

Each test copies the committed schema/ into a throwaway git repository and runs the real
`router/supergraph.mjs --check` on it (SCHEMA_DIR points there), as CI would on a commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.stack import router_node_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSER = REPO_ROOT / "router" / "supergraph.mjs"


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *arguments],
        cwd=repository,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def schema_repository(tmp_path: Path) -> Path:
    """A git repository whose first commit holds a copy of the committed schema/."""
    shutil.copytree(REPO_ROOT / "schema", tmp_path / "schema")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "schema as committed")
    return tmp_path


def commit(repository: Path, message: str) -> None:
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", message)


def run_check(repository: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(router_node_dir() / "node"), str(COMPOSER), "--check"],
        cwd=REPO_ROOT / "router",
        env={**os.environ, "SCHEMA_DIR": str(repository / "schema")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_schema_passes(schema_repository: Path) -> None:
    result = run_check(schema_repository)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_supergraph_fails_and_says_how_to_fix_it(schema_repository: Path) -> None:
    supergraph = schema_repository / "schema" / "supergraph.graphql"
    supergraph.write_text(supergraph.read_text().replace("myPosts", "myOldPosts"))
    result = run_check(schema_repository)
    assert result.returncode != 0
    assert "supergraph.graphql" in result.stdout + result.stderr
    assert "make schema" in result.stdout + result.stderr


def test_a_subgraph_change_that_breaks_composition_fails(schema_repository: Path) -> None:
    posts = schema_repository / "schema" / "posts.graphql"
    # Two subgraphs defining the same non-shareable root field cannot compose.
    posts.write_text(posts.read_text().replace("myPosts(", "me: Post\n  myPosts(", 1))
    result = run_check(schema_repository)
    assert result.returncode != 0
    assert "me" in result.stdout + result.stderr


def test_an_operation_that_no_longer_validates_fails_with_its_location(
    schema_repository: Path,
) -> None:
    operations = schema_repository / "schema" / "operations" / "extra.graphql"
    operations.write_text("query Broken {\n  me {\n    nickname\n  }\n}\n")
    result = run_check(schema_repository)
    assert result.returncode != 0
    assert "extra.graphql:3" in result.stdout + result.stderr
    assert "nickname" in result.stdout + result.stderr


def _remove_is_verified_from_api(repository: Path) -> None:
    api = repository / "schema" / "api.graphql"
    api.write_text(api.read_text().replace("  isVerified: Boolean!\n", ""))


def test_a_breaking_change_against_the_previous_commit_fails(schema_repository: Path) -> None:
    _remove_is_verified_from_api(schema_repository)
    commit(schema_repository, "drop a field")
    result = run_check(schema_repository)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "User.isVerified was removed" in output
    assert "[breaking-schema]" in output


def test_a_breaking_change_acknowledged_in_the_commit_message_passes_that_rule(
    schema_repository: Path,
) -> None:
    _remove_is_verified_from_api(schema_repository)
    commit(schema_repository, "drop a field [breaking-schema]")
    output = run_check(schema_repository).stdout
    assert "accepted by" in output


def test_a_breaking_change_acknowledged_in_a_file_passes_that_rule(
    schema_repository: Path,
) -> None:
    _remove_is_verified_from_api(schema_repository)
    accepted = schema_repository / "schema" / "BREAKING_CHANGES_ACCEPTED.md"
    accepted.write_text("- User.isVerified was removed.\n")
    commit(schema_repository, "drop a field")
    output = run_check(schema_repository).stdout
    assert "breaking change accepted in BREAKING_CHANGES_ACCEPTED.md" in output
