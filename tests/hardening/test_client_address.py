"""A client cannot choose the address the rate limits count (security review, issue 13, item 6).

The users subgraph is started exactly as `make up` starts it (only the port differs), and a
client rotates X-Forwarded-For and X-Client-IP on each login attempt: the per-address limit must
still count every attempt as coming from one client, the socket peer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.subgraphs import REPO_ROOT, load
from scripts.up import Process, processes
from tests.hardening.conftest import RATE_LIMITS_OFF
from tests.support.stack import free_port

LOGIN_LIMIT = 3
LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { access } }"
STARTUP_TIMEOUT_SECONDS = 60


def make_up_process(service: str, environ: dict[str, str]) -> Process:
    """The process `make up` starts for `service` (scripts/up.py), with its command and
    environment as `make up` builds them from `environ`."""
    (process,) = [process for process in processes(load(), environ) if process.name == service]
    return process


@pytest.fixture(scope="module")
def users_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work_dir = tmp_path_factory.mktemp("make-up")
    env_file = work_dir / ".env"
    # The development .env `make up` writes (DEBUG on, fresh secrets, no router secret).
    subprocess.run([sys.executable, "scripts/dev_env.py", str(env_file)], cwd=REPO_ROOT, check=True)
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
        "ENV_FILE": str(env_file),
        "DATABASE_URL": f"sqlite:///{work_dir / 'users.sqlite3'}",
        **RATE_LIMITS_OFF,
        "RATE_LIMIT_LOGIN_PER_CLIENT": f"{LOGIN_LIMIT}/h",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO_ROOT / "users_subgraph",
        env=environment,
        check=True,
    )
    port = free_port()
    users = make_up_process("users", {**environment, "USERS_PORT": str(port)})
    log_path = work_dir / "users.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            users.command,
            cwd=users.cwd,
            env=users.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log_path)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"users did not start:\n{log_path.read_text()}")


def test_rotating_forwarding_headers_does_not_escape_the_per_address_login_limit(
    users_url: str,
) -> None:
    email = f"victim-{uuid.uuid4().hex[:8]}@example.com"
    codes = []
    for attempt in range(LOGIN_LIMIT + 2):
        forged = f"203.0.113.{attempt + 1}"
        response = httpx.post(
            f"{users_url}/graphql",
            json={"query": LOGIN, "variables": {"input": {"email": email, "password": "guess"}}},
            headers={"X-Forwarded-For": forged, "X-Real-IP": forged, "X-Client-IP": forged},
            timeout=30,
        )
        codes.append(response.json()["errors"][0]["extensions"]["code"])

    assert codes == ["UNAUTHENTICATED"] * LOGIN_LIMIT + ["RATE_LIMITED"] * 2
