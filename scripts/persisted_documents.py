"""The trusted-documents manifest: every operation the project's own clients send, by id.

`make schema` (scripts/schema.py) calls `write`, `make schema-check` calls `check`, each with the
schema folder (schema/, or a test's copy) and the function that shows a path in its messages.

The project's clients (the web example, the end-to-end tests) send the operations committed in
schema/operations/. This writes them to schema/persisted-query-manifest.json in Apollo's
persisted query manifest format (version 1), which Apollo Client, GraphQL Hive and the router's
trusted-documents mode read: one entry per operation, its body being the operation followed by
the fragments it uses, its id the SHA-256 of that body (so the id is also the operation's APQ
hash). The check fails when the committed manifest differs from the operations, or when an entry
no longer validates against schema/api.graphql (a client already deployed with that id would
break).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    build_schema,
    parse,
    print_ast,
    validate,
    visit,
)

MANIFEST_FILE = "persisted-query-manifest.json"
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
MANIFEST_VERSION = 1


def document_id(body: str) -> str:
    """The id of a document: the hex SHA-256 of its text, as Apollo's APQ and manifests use."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class _FragmentSpreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        if node.name.value not in self.names:
            self.names.append(node.name.value)


def _spread_names(node: OperationDefinitionNode | FragmentDefinitionNode) -> list[str]:
    spreads = _FragmentSpreads()
    visit(node, spreads)
    return spreads.names


def operation_body(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> str:
    """The operation, then every fragment it uses (directly or through another), in first use
    order: a document that runs on its own."""
    used: list[str] = []
    pending = _spread_names(operation)
    while pending:
        name = pending.pop(0)
        if name in used or name not in fragments:
            continue
        used.append(name)
        pending += _spread_names(fragments[name])
    return "\n\n".join(print_ast(node) for node in [operation, *(fragments[n] for n in used)])


def manifest_from_operations(operations_dir: Path) -> dict[str, Any]:
    """The manifest of every named operation in `operations_dir`/*.graphql, sorted by name."""
    source = "\n".join(path.read_text() for path in sorted(operations_dir.glob("*.graphql")))
    document: DocumentNode = parse(source)
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    entries = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        if node.name is None:
            raise ValueError("schema/operations/: every operation needs a name")
        body = operation_body(node, fragments)
        entries.append(
            {
                "id": document_id(body),
                "name": node.name.value,
                "type": node.operation.value,
                "body": body,
            }
        )
    entries.sort(key=lambda entry: entry["name"])
    return {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "operations": entries}


def manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def entry_problems(entry: dict[str, Any], schema: GraphQLSchema) -> list[str]:
    """Why one manifest entry cannot be served as it is; empty when it can."""
    name = entry.get("name", "<no name>")
    body = entry.get("body")
    if not isinstance(body, str):
        return [f"{name}: the entry has no body"]
    problems = []
    if entry.get("id") != document_id(body):
        problems.append(f"{name}: id is not the SHA-256 of the body")
    try:
        document = parse(body)
    except GraphQLError as error:
        return [*problems, f"{name}: {error.message}"]
    problems += [f"{name}: {error.message}" for error in validate(schema, document)]
    return problems


def write(schema_dir: Path, shown: Callable[[Path], str]) -> int:
    manifest_path = schema_dir / MANIFEST_FILE
    text = manifest_text(manifest_from_operations(schema_dir / "operations"))
    unchanged = manifest_path.exists() and manifest_path.read_text() == text
    if not unchanged:
        manifest_path.write_text(text)
    print(f"{'unchanged' if unchanged else 'wrote    '} {shown(manifest_path)}")
    return 0


def check(schema_dir: Path, show: Callable[[Path], str]) -> int:
    """Print each problem of the committed manifest; 1 if there is any."""
    manifest_path = schema_dir / MANIFEST_FILE
    shown = show(manifest_path)
    if not manifest_path.exists():
        print(f"persisted documents check failed: {shown} is missing; run `make schema`")
        return 1
    committed = json.loads(manifest_path.read_text())
    problems = []
    if manifest_path.read_text() != manifest_text(
        manifest_from_operations(schema_dir / "operations")
    ):
        problems.append(f"{shown} differs from schema/operations/; run `make schema`")
    if committed.get("format") != MANIFEST_FORMAT or committed.get("version") != MANIFEST_VERSION:
        problems.append(f"{shown} is not a {MANIFEST_FORMAT} version {MANIFEST_VERSION}")
    schema = build_schema((schema_dir / "api.graphql").read_text())
    for entry in committed.get("operations", []):
        problems += entry_problems(entry, schema)
    if problems:
        print("persisted documents check failed:")
        print("\n".join(f"  {problem}" for problem in problems))
        return 1
    count = len(committed["operations"])
    print(f"ok: {count} persisted documents in {shown} validate against api.graphql")
    return 0
