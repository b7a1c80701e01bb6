"""Regenerate or check the committed schema files in schema/, or accept the API schema.

    python -m scripts.schema write   # what `make schema` runs
    python -m scripts.schema check   # what `make schema-check` (and so CI) runs
    python -m scripts.schema accept  # what `make schema-accept` runs (see schema_contract.py)

Each subgraph of subgraphs.toml prints its SDL (`manage.py export_schema`); router/supergraph.mjs
composes them into schema/supergraph.graphql and schema/api.graphql and, in check mode, also
compares those with the committed files and validates schema/operations/*.graphql. The check ends
with the contract: no unacknowledged breaking change since the accepted API schema
(scripts/schema_contract.py). SCHEMA_DIR names another folder than schema/ (the tests' throwaway
copies).
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

from scripts import persisted_documents, schema_contract
from scripts.subgraphs import REPO_ROOT, load, router_node_dir
from subgraph_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

SCHEMA_DIR = Path(os.environ.get("SCHEMA_DIR") or REPO_ROOT / "schema").resolve()
MANIFEST = load()
SUBGRAPHS = {subgraph.name: subgraph.folder for subgraph in MANIFEST.subgraphs}


def export_subgraph_sdl(service_dir: Path) -> str:
    # The SDL depends on the code only: no database, no secrets. DEBUG keeps settings from
    # insisting on production secrets, and ENV_FILE keeps a developer's .env out of it.
    env = {**os.environ, "DEBUG": "true", "ENV_FILE": os.devnull}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "export_schema"],
        cwd=service_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{service_dir.name}: export_schema failed:\n{result.stderr}")
    return result.stdout.rstrip("\n") + "\n"


def run_composer(*arguments: str) -> int:
    return subprocess.run(
        [str(router_node_dir() / "node"), "supergraph.mjs", *arguments],
        cwd=REPO_ROOT / "router",
        env={**os.environ, **MANIFEST.composition_environment(), "SCHEMA_DIR": str(SCHEMA_DIR)},
        check=False,
    ).returncode


def shown(path: Path) -> str:
    """`path` as the composer prints it: relative to the working directory when inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


# The page sizes the router enforces before fan-out, generated from the one definition the
# subgraphs use (subgraph_kit.pagination), so the numbers cannot drift apart.
PAGE_SIZE_FILE = REPO_ROOT / "router" / "page-size.json"


def page_size_json() -> str:
    return json.dumps({"default": DEFAULT_PAGE_SIZE, "maximum": MAX_PAGE_SIZE}, indent=2) + "\n"


def write() -> int:
    produced = page_size_json()
    unchanged = PAGE_SIZE_FILE.exists() and PAGE_SIZE_FILE.read_text() == produced
    if not unchanged:
        PAGE_SIZE_FILE.write_text(produced)
    print(f"{'unchanged' if unchanged else 'wrote    '} {shown(PAGE_SIZE_FILE)}")
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, service_dir in SUBGRAPHS.items():
        path = SCHEMA_DIR / f"{name}.graphql"
        sdl = export_subgraph_sdl(service_dir)
        unchanged = path.exists() and path.read_text() == sdl
        if not unchanged:
            path.write_text(sdl)
        print(f"{'unchanged' if unchanged else 'wrote    '} {shown(path)}")
    return run_composer() or persisted_documents.write(SCHEMA_DIR, shown)


def check() -> int:
    if not PAGE_SIZE_FILE.exists() or PAGE_SIZE_FILE.read_text() != page_size_json():
        print(
            f"schema check failed: {shown(PAGE_SIZE_FILE)} differs from subgraph_kit.pagination."
            "\nRun `make schema` and commit it."
        )
        return 1
    stale = []
    for name, service_dir in SUBGRAPHS.items():
        committed_file = SCHEMA_DIR / f"{name}.graphql"
        committed = committed_file.read_text() if committed_file.exists() else ""
        produced = export_subgraph_sdl(service_dir)
        if committed != produced:
            stale.append(name)
            diff = difflib.unified_diff(
                committed.splitlines(keepends=True),
                produced.splitlines(keepends=True),
                fromfile=f"schema/{name}.graphql (committed)",
                tofile=f"schema/{name}.graphql (from the code)",
            )
            sys.stdout.writelines(diff)
    if stale:
        print(
            f"\nschema check failed: the {', '.join(stale)} SDL differs from the committed file."
            "\nRun `make schema` and commit the files in schema/."
        )
        return 1
    print("subgraph SDL files match the code")
    composed = max(run_composer("--check"), persisted_documents.check(SCHEMA_DIR, shown))
    problems = schema_contract.check(SCHEMA_DIR)
    if problems:
        print("\nSchema contract FAILED:", *problems, sep="\n  ")
    return composed or (1 if problems else 0)


def accept() -> int:
    return schema_contract.accept(SCHEMA_DIR)


if __name__ == "__main__":
    commands = {"write": write, "check": check, "accept": accept}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python -m scripts.schema {{{'|'.join(commands)}}}")
    sys.exit(commands[sys.argv[1]]())
