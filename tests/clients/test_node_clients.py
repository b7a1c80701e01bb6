"""The JavaScript client libraries (tests/clients/*.test.mjs, pinned in package-lock.json), each
run with node's test runner against the stack's router.

Each file drives one library with its own defaults; node's output, printed on failure, names the
client and what it expected.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import Stack

CLIENTS_DIR = Path(__file__).resolve().parent
NODE_CLIENTS = {
    "Apollo Client": "apollo.test.mjs",
    "urql": "urql.test.mjs",
    "graphql-request": "graphql-request.test.mjs",
}


@pytest.mark.parametrize("test_file", NODE_CLIENTS.values(), ids=NODE_CLIENTS.keys())
def test_client_library_works_through_the_router(stack: Stack, test_file: str) -> None:
    assert (CLIENTS_DIR / "node_modules").is_dir(), "run `make test-clients` (it runs npm ci)"
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", test_file],
        cwd=CLIENTS_DIR,
        env={
            **os.environ,
            "ROUTER_URL": stack.router_url,
            "STACK_JWT_PRIVATE_KEY": stack.private_key,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{test_file} failed:\n{result.stdout}\n{result.stderr}"
