"""The API schema's contract with clients: what was accepted, and what may break it.

schema/ACCEPTED_API records the client-facing schema (schema/api.graphql) last accepted as the
contract, by the id git gives the file's content (its blob id), so no copy of the schema is kept
and any clone with the history can read it back. `check` compares today's api.graphql with it:
every breaking change since, in whichever commit it was made, must be acknowledged in
schema/BREAKING_CHANGES_ACCEPTED.md, reviewed with the change. `accept` (`make schema-accept`)
makes today's api.graphql the accepted one, once every breaking change is acknowledged, and files
the acknowledgements under the date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

API_FILE = "api.graphql"
RECORD_FILE = "ACCEPTED_API"
ACKNOWLEDGEMENTS_FILE = "BREAKING_CHANGES_ACCEPTED.md"
PENDING_HEADING = "## Since the accepted schema"
ACCEPT_COMMAND = "make schema-accept"
RECORD_LINE = re.compile(r"^blob ([0-9a-f]{40})$", re.M)

RECORD_HEADER = f"""\
# The client-facing schema last accepted as the contract: schema/{API_FILE} as git stores it
# (its blob id; `git cat-file blob <id>` prints it). `make schema-check` fails on a breaking
# change since then that schema/{ACKNOWLEDGEMENTS_FILE} does not acknowledge.
# Written by `{ACCEPT_COMMAND}` only.
"""


class ContractError(Exception):
    """The contract cannot be checked or accepted; the message says what to do."""


def blob_id(content: bytes) -> str:
    """The id git gives a file with this content (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def accepted_blob_id(schema_dir: Path) -> str:
    record = schema_dir / RECORD_FILE
    if not record.exists():
        raise ContractError(
            f"{record} is missing: no schema was accepted yet. Commit schema/{API_FILE}, then "
            f"run `{ACCEPT_COMMAND}` and commit schema/{RECORD_FILE}."
        )
    found = RECORD_LINE.search(record.read_text())
    if not found:
        raise ContractError(f"{record} names no `blob <id>`: run `{ACCEPT_COMMAND}` to rewrite it")
    return found[1]


def git(schema_dir: Path, *arguments: str) -> str:
    result = subprocess.run(
        ["git", *arguments], cwd=schema_dir, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ContractError(f"git {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout


def accepted_schema_text(schema_dir: Path, accepted: str) -> str:
    try:
        return git(schema_dir, "cat-file", "blob", accepted)
    except ContractError as error:
        raise ContractError(
            f"the accepted schema (blob {accepted}, named in schema/{RECORD_FILE}) is not in this "
            "clone's history: fetch it (`git fetch --unshallow` after a shallow clone), "
            f"then check again ({error})"
        ) from None


def pending_acknowledgements(schema_dir: Path) -> list[str]:
    """The changes listed (`- <change>`) under PENDING_HEADING, whitespace collapsed."""
    path = schema_dir / ACKNOWLEDGEMENTS_FILE
    lines = path.read_text().splitlines() if path.exists() else []
    start, end = _pending_section(lines)
    items = (line.strip() for line in lines[start:end])
    return [normalize(item[2:]) for item in items if item.startswith("- ")]


def _pending_section(lines: list[str]) -> tuple[int, int]:
    """Where the pending acknowledgements are: from after their heading to the next heading."""
    if PENDING_HEADING not in lines:
        return len(lines), len(lines)
    start = lines.index(PENDING_HEADING) + 1
    end = next(
        (index for index in range(start, len(lines)) if lines[index].startswith("## ")), len(lines)
    )
    return start, end


def normalize(text: str) -> str:
    return " ".join(text.split())


def changes_since_accepted(schema_dir: Path) -> tuple[list[str], list[str]]:
    """The breaking and the dangerous changes in api.graphql since the accepted schema."""
    api_path = schema_dir / API_FILE
    if not api_path.exists():
        raise ContractError(f"schema/{API_FILE} is missing: run `make schema`")
    current_text = api_path.read_bytes()
    accepted = accepted_blob_id(schema_dir)
    if blob_id(current_text) == accepted:
        return [], []
    accepted_schema = _schema(accepted_schema_text(schema_dir, accepted), f"blob {accepted}")
    current_schema = _schema(current_text.decode(), f"schema/{API_FILE}")
    return (
        [change.description for change in find_breaking_changes(accepted_schema, current_schema)],
        [change.description for change in find_dangerous_changes(accepted_schema, current_schema)],
    )


def _schema(text: str, name: str) -> GraphQLSchema:
    try:
        return build_schema(text)
    except (GraphQLError, TypeError) as error:
        raise ContractError(f"{name} is not a valid schema: {error}") from None


def unacknowledged(schema_dir: Path, breaking: list[str]) -> list[str]:
    acknowledged = set(pending_acknowledgements(schema_dir))
    return [change for change in breaking if normalize(change) not in acknowledged]


def check(schema_dir: Path) -> list[str]:
    """Problems with the contract (none: it holds); what is fine is printed."""
    try:
        breaking, dangerous = changes_since_accepted(schema_dir)
    except ContractError as error:
        return [f"schema contract: {error}"]
    for change in dangerous:
        print(f"warning: dangerous change since the accepted schema: {change}")
    missing = unacknowledged(schema_dir, breaking)
    for change in breaking:
        if change not in missing:
            print(f"ok: breaking change acknowledged in {ACKNOWLEDGEMENTS_FILE}: {change}")
    if not missing:
        print(f"ok: schema/{API_FILE} keeps the accepted contract")
        return []
    return [
        "\n".join(
            [
                f"{len(missing)} unacknowledged breaking change(s) in schema/{API_FILE} since the "
                f"accepted schema (schema/{RECORD_FILE}), made in this commit or any before it:",
                *(f"    - {change}" for change in missing),
                "  Clients may break. If this is intended, copy each line above as it is into",
                f'  schema/{ACKNOWLEDGEMENTS_FILE}, under "{PENDING_HEADING}", in the change',
                "  that makes it.",
            ]
        )
    ]


def accept(schema_dir: Path) -> int:
    """Make today's committed api.graphql the accepted schema."""
    api_path = schema_dir / API_FILE
    try:
        committed = git(schema_dir, "rev-parse", f"HEAD:./{API_FILE}").strip()
        current = blob_id(api_path.read_bytes())
        if committed != current:
            raise ContractError(
                f"schema/{API_FILE} differs from its committed version: commit it first (the "
                "accepted schema is read back from git)"
            )
        # The first acceptance has nothing to compare with.
        first = not (schema_dir / RECORD_FILE).exists()
        breaking = [] if first else changes_since_accepted(schema_dir)[0]
    except ContractError as error:
        print(f"schema accept failed: {error}")
        return 1
    missing = unacknowledged(schema_dir, breaking)
    if missing:
        print(f"schema accept failed: acknowledge in {ACKNOWLEDGEMENTS_FILE} the breaking changes")
        print("\n".join(f"    - {change}" for change in missing))
        return 1
    (schema_dir / RECORD_FILE).write_text(f"{RECORD_HEADER}blob {current}\n")
    _file_acknowledgements(schema_dir, breaking)
    print(
        f"accepted schema/{API_FILE} (blob {current}): commit schema/{RECORD_FILE} and "
        f"schema/{ACKNOWLEDGEMENTS_FILE}"
    )
    return 0


def _file_acknowledgements(schema_dir: Path, breaking: list[str]) -> None:
    """File the acknowledged changes under a dated heading (most recent first), emptying the
    pending list (an acknowledgement of no change goes with it)."""
    path = schema_dir / ACKNOWLEDGEMENTS_FILE
    if not breaking or not path.exists():
        return
    lines = path.read_text().splitlines()
    start, end = _pending_section(lines)
    heading = f"## Accepted on {dt.date.today().isoformat()}"
    filed = [heading, "", *(f"- {change}" for change in breaking)]
    path.write_text("\n".join([*lines[:start], "", *filed, "", *lines[end:]]).rstrip() + "\n")
