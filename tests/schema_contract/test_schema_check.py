"""The composition check fails, saying why and how to fix it, on each kind of drift it guards
against (breaking changes are test_contract.py's).

Each test copies the committed schema/ into a throwaway git repository and runs the real
`router/supergraph.mjs --check` on it (SCHEMA_DIR points there), as CI would on a commit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scripts.subgraphs import load, router_node_dir
from tests.schema_contract.repository import REPO_ROOT

COMPOSER = REPO_ROOT / "router" / "supergraph.mjs"


def run_check(repository: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(router_node_dir() / "node"), str(COMPOSER), "--check"],
        cwd=REPO_ROOT / "router",
        env={
            **os.environ,
            **load().composition_environment(),
            "SCHEMA_DIR": str(repository / "schema"),
        },
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
