"""`make up`: every subgraph in subgraphs.toml, the router and the readiness check, as one group.

    python -m scripts.up        (from the repository root, with the virtualenv's Python)

A subgraph with background tasks (`runs_task_worker` in the manifest) also gets its worker
process, `<name>-worker`. Each process's output is prefixed with its name; Ctrl-C, or any process
exiting, stops them all (honcho's process manager). The ports come from the manifest's variables
(ROUTER_PORT, USERS_PORT, POSTS_PORT; defaults 4000, 4001, 4002), and the router's subgraph URLs,
the JWKS URL and the subgraphs' <NAME>_INTERNAL_URL are derived from them, whatever the
environment says, so that the processes always find each other. The development file
(.env.development, written by scripts/dev_env.py; ENV_FILE names another, as for the subgraphs'
settings) completes the environment of every process; real environment variables win.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from honcho.environ import parse as parse_dotenv
from honcho.manager import Manager
from honcho.printer import Printer

from scripts.subgraphs import (
    LOCAL_HOST,
    REPO_ROOT,
    Manifest,
    load,
    router_command,
    router_path,
    task_worker_command,
)

DEV_ENV_FILE = REPO_ROOT / ".env.development"


@dataclass(frozen=True)
class Process:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]


def development_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` completed by the development file (never overridden by it)."""
    env_file = Path(environ.get("ENV_FILE") or DEV_ENV_FILE)
    from_file = parse_dotenv(env_file.read_text()) if env_file.is_file() else {}
    return {**from_file, **environ, "ENV_FILE": str(env_file)}


def processes(
    manifest: Manifest, environ: Mapping[str, str], python: str = sys.executable
) -> list[Process]:
    """The processes of `make up`, in start order, each with its command and environment."""
    base_env = development_environment(environ)
    ports = {subgraph.name: subgraph.port_in(environ) for subgraph in manifest.subgraphs}
    router_port = manifest.router.port_in(environ)
    derived = {
        manifest.router.port_variable: str(router_port),
        **{subgraph.port_variable: str(ports[subgraph.name]) for subgraph in manifest.subgraphs},
        # The router's subgraph URLs, and the issuer's JWKS URL, which every verifier without
        # JWT_PUBLIC_KEY (the router, the other subgraphs) fetches keys from.
        **manifest.router_environment(ports),
        # Each subgraph's base URL, for the calls between subgraphs that skip the router.
        **manifest.internal_environment(ports),
    }
    subgraphs = [
        Process(
            name=subgraph.name,
            command=[
                *(python, "-m", "uvicorn", subgraph.asgi_app, "--host", LOCAL_HOST),
                *("--port", str(ports[subgraph.name]), "--lifespan", "off"),
                # The client address is the router's X-Client-IP or the socket peer, never an
                # X-Forwarded-For that uvicorn would believe from 127.0.0.1 by default.
                "--no-proxy-headers",
            ],
            cwd=subgraph.folder,
            env={**base_env, **derived, "DJANGO_SETTINGS_MODULE": subgraph.settings_module},
        )
        for subgraph in manifest.subgraphs
    ]
    workers = [
        Process(
            name=subgraph.worker_name,
            command=task_worker_command(python),
            cwd=subgraph.folder,
            env={**base_env, **derived, "DJANGO_SETTINGS_MODULE": subgraph.settings_module},
        )
        for subgraph in manifest.subgraphs
        if subgraph.runs_task_worker
    ]
    router = Process(
        name="router",
        command=router_command(),
        cwd=manifest.router.folder,
        env={
            "ROUTER_HOST": LOCAL_HOST,
            **base_env,
            **derived,
            "ROUTER_DEVELOPMENT": "true",
            "PATH": router_path(base_env),
        },
    )
    ready = Process(
        name="ready",
        command=[python, "-m", "scripts.announce_ready"],
        cwd=REPO_ROOT,
        env={"ROUTER_HOST": LOCAL_HOST, **base_env, **derived},
    )
    return [*subgraphs, *workers, router, ready]


def main() -> int:
    try:
        planned = processes(load(), os.environ)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    manager = Manager(Printer(sys.stdout))
    for process in planned:
        manager.add_process(
            process.name, shlex.join(process.command), env=process.env, cwd=str(process.cwd)
        )
    manager.loop()
    return manager.returncode


if __name__ == "__main__":
    raise SystemExit(main())
