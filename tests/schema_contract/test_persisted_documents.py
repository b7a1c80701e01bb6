"""The trusted-documents manifest (scripts/persisted_documents.py): `make schema` writes it from
schema/operations/, and the schema check fails when it drifts or an entry stops validating."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts import persisted_documents
from scripts.subgraphs import REPO_ROOT


@pytest.fixture
def schema_dir(tmp_path: Path) -> Path:
    """A copy of the committed schema/."""
    shutil.copytree(REPO_ROOT / "schema", tmp_path / "schema")
    return tmp_path / "schema"


def run_check(schema_dir: Path) -> int:
    return persisted_documents.check(schema_dir, str)


def test_the_committed_manifest_passes(schema_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_check(schema_dir) == 0, capsys.readouterr().out


def test_each_operation_is_an_entry_whose_id_is_the_sha256_of_its_body() -> None:
    manifest = json.loads((REPO_ROOT / "schema" / "persisted-query-manifest.json").read_text())
    assert manifest["format"] == "apollo-persisted-query-manifest"
    entries = {entry["name"]: entry for entry in manifest["operations"]}
    assert {"Signup", "Login", "Me", "MyPosts", "CreatePost", "DeletePost"} <= entries.keys()
    my_posts = entries["MyPosts"]
    assert my_posts["type"] == "query"
    # The body runs alone: the operation, then the fragments it uses, nested ones included.
    assert "fragment PostPage on PostConnection" in my_posts["body"]
    assert "fragment PostFields on Post" in my_posts["body"]
    assert "fragment" not in entries["Me"]["body"]
    assert my_posts["id"] == persisted_documents.document_id(my_posts["body"])


def test_an_entry_that_no_longer_validates_fails_naming_it(
    schema_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    api = schema_dir / "api.graphql"
    api.write_text(api.read_text().replace("  isVerified: Boolean!\n", ""))
    assert run_check(schema_dir) == 1
    output = capsys.readouterr().out
    assert "Me: Cannot query field 'isVerified' on type 'User'." in output
    assert "Signup: Cannot query field 'isVerified' on type 'User'." in output


def test_a_stale_manifest_fails_and_says_how_to_fix_it(
    schema_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    operations = schema_dir / "operations" / "auth.graphql"
    operations.write_text(operations.read_text() + "\nquery MyEmail {\n  me {\n    email\n  }\n}\n")
    assert run_check(schema_dir) == 1
    assert (
        "persisted-query-manifest.json differs from schema/operations/; run `make schema`"
        in capsys.readouterr().out
    )


def test_an_entry_whose_id_does_not_match_its_body_fails(
    schema_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    manifest_path = schema_dir / "persisted-query-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["operations"][0]["body"] += " "
    manifest_path.write_text(json.dumps(manifest))
    assert run_check(schema_dir) == 1
    assert "id is not the SHA-256 of the body" in capsys.readouterr().out
