"""The environment a subgraph's container gets, rebuilt for a process on this machine.

Docker starts a container with the image's ENV, overridden by compose.yaml's `environment:`,
interpolated from `.env`; nothing else from the host leaks in. These helpers build the same, with
the operator's `.env` written by scripts/compose_env.py, on a PATH where `python` and `uvicorn`
are this virtualenv's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from tests.deploy.specs import (
    REPO_ROOT,
    Dockerfile,
    Instruction,
    read_dotenv,
    service_environment,
    subgraph_dockerfile,
)


def host_environment() -> dict[str, str]:
    """What a process needs from this machine: the virtualenv first on PATH, a locale."""
    virtualenv_bin = Path(sys.executable).parent
    return {
        "PATH": f"{virtualenv_bin}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(Path.home())),
        "LANG": "C.UTF-8",
    }


@cache
def _generated_dotenv() -> tuple[tuple[str, str], ...]:
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / ".env"
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "scripts" / "compose_env.py"), str(target)],
            check=True,
            capture_output=True,
        )
        return tuple(read_dotenv(target).items())


# What an operator adds to the generated `.env`: no script can choose their mail server.
OPERATOR_MAIL_SETTINGS = {
    "EMAIL_HOST": "smtp.example.com",
    "DEFAULT_FROM_EMAIL": "accounts@example.com",
    "FRONTEND_BASE_URL": "https://app.example.com",
}


def operator_dotenv() -> dict[str, str]:
    """The `.env` an operator gets from scripts/compose_env.py (one per test session), with the
    mail server they fill in."""
    return {**dict(_generated_dotenv()), **OPERATOR_MAIL_SETTINGS}


def subgraph_process_environment(service: str, dotenv: dict[str, str]) -> dict[str, str]:
    """The container's environment: image ENV, then compose's `environment:` for `service`."""
    return {
        **host_environment(),
        **subgraph_dockerfile(service).env(),
        **service_environment(service, dotenv),
    }


def build_step_environment(dockerfile: Dockerfile, step: Instruction) -> dict[str, str]:
    """The environment of a RUN step during the image build: the ARG and ENV lines before it
    (ENV wins over an ARG of the same name, as in Docker)."""
    return {
        **host_environment(),
        **dockerfile.arguments_in_scope(before=step),
        **dockerfile.env(before=step),
    }


def replay(command: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    """Run one build or compose step; a failure shows the step's own output."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
