"""Regenerate or check the committed schema files in schema/.

    python scripts/schema.py write   # what `make schema` runs
    python scripts/schema.py check   # what `make schema-check` (and so CI) runs

Each subgraph prints its SDL (`manage.py export_schema`); router/compose.mjs composes them into
schema/supergraph.graphql and schema/api.graphql and, in check mode, also compares those with the
committed files, looks for breaking changes against the previous commit and validates
schema/operations/*.graphql.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import persisted_documents

REPO_ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = REPO_ROOT / "schema"
SUBGRAPHS = {"users": REPO_ROOT / "users_subgraph", "posts": REPO_ROOT / "posts_subgraph"}


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
        ["node", "compose.mjs", *arguments], cwd=REPO_ROOT / "router", check=False
    ).returncode


def write() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, service_dir in SUBGRAPHS.items():
        (SCHEMA_DIR / f"{name}.graphql").write_text(export_subgraph_sdl(service_dir))
        print(f"wrote schema/{name}.graphql")
    return run_composer() or persisted_documents.write()


def check() -> int:
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
    return max(run_composer("--check"), persisted_documents.check())


if __name__ == "__main__":
    commands = {"write": write, "check": check}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(commands)}}}")
    sys.exit(commands[sys.argv[1]]())
