"""`make up`'s launcher started for real on moved ports: every process answers on its port, the
router reaches the subgraphs through the derived URLs, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.support.stack import REPO_ROOT, free_port

READY_LINE = "Stack ready."
START_TIMEOUT_SECONDS = 90


def wait_for_line(log: Path, line: str, launcher: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while line not in log.read_text(errors="replace"):
        assert launcher.poll() is None, f"the launcher exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no {line!r} after {START_TIMEOUT_SECONDS}s:\n" + (
            log.read_text()
        )
        time.sleep(0.3)


def graphql(router_url: str, query: str, request_id: str) -> dict[str, Any]:
    response = httpx.post(
        f"{router_url}/graphql",
        json={"query": query},
        headers={"x-request-id": request_id},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_make_up_serves_on_the_ports_its_variables_name(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("ROUTER_PORT", "USERS_PORT", "POSTS_PORT")}
    dev_file = tmp_path / ".env.development"
    subprocess.run([sys.executable, "scripts/dev_env.py", str(dev_file)], cwd=REPO_ROOT, check=True)
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        **{name: str(port) for name, port in ports.items()},
        "ENV_FILE": str(dev_file),
        # One throwaway file instead of the developer's databases: only readiness is checked.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'readiness.sqlite3'}",
    }
    # `make up` migrates before it starts the processes; the users worker reads its task table.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO_ROOT / "users_subgraph",
        env=env,
        check=True,
    )
    log = tmp_path / "launcher.log"
    with log.open("wb") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "scripts.up"],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_line(log, READY_LINE, launcher)
        router = f"http://127.0.0.1:{ports['ROUTER_PORT']}"
        assert f"GraphiQL: {router}/graphql" in log.read_text()
        assert httpx.get(f"{router}/healthcheck", timeout=5).status_code == 200
        for name in ("USERS_PORT", "POSTS_PORT"):
            readyz = httpx.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=5)
            assert readyz.status_code == 200, name
        # Through the router to each subgraph (URLs derived from the moved ports): without a
        # token, the subgraph itself refuses, and the router names it.
        for query, subgraph in (
            ("{ me { id } }", "users"),
            ("{ myPosts(first: 1) { edges { cursor } } }", "posts"),
        ):
            request_id = str(uuid.uuid4())
            errors = graphql(router, query, request_id)["errors"]
            assert [error["extensions"] for error in errors] == [
                {"code": "UNAUTHENTICATED", "serviceName": subgraph}
            ], errors
            # ...this stack's subgraph (its log line, with the request's id), not one of another
            # stack on the default ports.
            wait_for_line(log, f"INFO {subgraph} {request_id} subgraph_kit.requests", launcher)

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=30) is not None
        for port in ports.values():
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            except httpx.ConnectError:
                continue
            raise AssertionError(f"something still listens on {port} after Ctrl-C")
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait(timeout=10)
