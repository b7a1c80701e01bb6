"""Starts the whole stack as real processes on free loopback ports with fresh databases.

The processes are the ones subgraphs.toml lists (scripts/subgraphs.py reads it): the subgraphs
run on uvicorn with production settings (DEBUG off, every secret set), each subgraph with tasks
has its task worker (`<name>-worker`), the router is the real Hive Gateway reading
schema/supergraph.graphql. Databases are fresh PostgreSQL databases when
DATABASE_URL points at a PostgreSQL server, fresh SQLite files otherwise. The users service
mails through a real SMTP server of the harness (tests.support.mail), whose messages tests read.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from scripts.subgraphs import (
    REPO_ROOT,
    Subgraph,
    jwks_url,
    load,
    router_command,
    router_path,
    task_worker_command,
)
from subgraph_kit.keys import generate_private_key_pem
from tests.support.mail import MailSink

STARTUP_TIMEOUT_SECONDS = 60
# Servers the tests start listen on ports from here up to the kernel's ephemeral range (free_port).
LISTEN_PORTS_FROM = 20000
EPHEMERAL_PORT_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_ports_given: set[int] = set()
# The services' rate limits (users_subgraph/users_subgraph/settings/rate_limits.py,
# posts_subgraph/posts_subgraph/settings/__init__.py).
RATE_LIMIT_VARIABLES = tuple(
    f"RATE_LIMIT_{name}"
    for name in (
        "LOGIN_PER_CLIENT",
        "LOGIN_FAILURES_PER_EMAIL_AND_CLIENT",
        "LOGIN_FAILURES_PER_EMAIL",
        "SIGNUP_PER_CLIENT",
        "SIGNUP_PER_EMAIL",
        "REFRESH_PER_CLIENT",
        "POST_CREATE_PER_USER",
        "POST_UPDATE_PER_USER",
        "VERIFICATION_EMAIL_PER_CLIENT",
        "VERIFICATION_EMAIL_PER_EMAIL",
        "PASSWORD_RESET_PER_CLIENT",
        "PASSWORD_RESET_PER_EMAIL",
    )
)
# The subgraph images' command: uvicorn with worker processes, no access log (see the script).
SERVE_SCRIPT = REPO_ROOT / "subgraph_kit" / "container" / "serve.sh"


def ephemeral_port_range() -> range:
    """The ports the kernel gives outgoing connections (and `bind(0)`): Linux's setting, or the
    IANA range elsewhere."""
    try:
        low, high = map(int, EPHEMERAL_PORT_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return range(49152, 65536)
    return range(low, high + 1)


def listen_port_candidates() -> range:
    """Below the ephemeral range, or above it when too little is left below."""
    ephemeral = ephemeral_port_range()
    below = range(LISTEN_PORTS_FROM, ephemeral.start)
    return below if len(below) >= 1000 else range(max(ephemeral.stop, LISTEN_PORTS_FROM), 65536)


def free_port() -> int:
    """A port nothing listens on, for a server started later, never one the kernel may hand out.

    A port probed with `bind(0)` comes from the ephemeral range, which outgoing connections draw
    from too: between the probe and the server's own bind (migrations run in between), a
    connection to PostgreSQL or between services could take it, and the server would stop with
    "address already in use" (it happened in CI). Ports below the range are never handed out;
    each is still probed, and none is given twice by one process.
    """
    candidates = listen_port_candidates()
    for _ in range(1000):
        port = random.choice(candidates)  # noqa: S311 (not a secret)
        if port in _ports_given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    raise RuntimeError(f"no free port in {candidates}")


def production_server(asgi_app: str, port: int, workers: int) -> tuple[list[str], dict[str, str]]:
    """The command and environment that serve `asgi_app` as the images do, on 127.0.0.1:port."""
    return ["sh", str(SERVE_SCRIPT)], {
        "ASGI_APP": asgi_app,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        # serve.sh runs `uvicorn` from PATH: this interpreter's.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@dataclass
class ServiceProcess:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    # None: a process that serves nothing (a task worker); running is all it can show.
    health_url: str | None
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        # A process group of its own, so stopping it also stops what it spawned (npm -> node).
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        log.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean-up, no graceful shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def wait_until_healthy(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if self.health_url is None:
                return
            try:
                if httpx.get(self.health_url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not healthy after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Databases:
    """Fresh databases for one stack: PostgreSQL when DATABASE_URL says so, SQLite otherwise."""

    work_dir: Path
    server_url: str | None = field(default_factory=lambda: os.environ.get("DATABASE_URL"))
    created: list[str] = field(default_factory=list)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.server_url) and self.server_url.startswith(
            ("postgres://", "postgresql://")
        )

    def create(self, service: str) -> str:
        if not self.uses_postgres:
            return f"sqlite:///{self.work_dir / f'{service}.sqlite3'}"
        import psycopg

        name = f"e2e_{service}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        parts = urlsplit(self.server_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def drop_all(self) -> None:
        if not self.uses_postgres:
            return
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Stack:
    """The processes of one stack: every subgraph of the manifest and the router.

    `extra_env` goes to every process (e.g. ROUTER_SHARED_SECRET, limits); `database_server_url`
    replaces DATABASE_URL as the server the fresh databases are created on; `workers` serves each
    subgraph with the images' command (serve.sh) and that many uvicorn workers instead of one
    plain uvicorn process (the benchmark, bench/).
    """

    def __init__(
        self,
        work_dir: Path,
        *,
        extra_env: dict[str, str] | None = None,
        database_server_url: str | None = None,
        workers: int | None = None,
    ) -> None:
        self.work_dir = work_dir
        self.extra_env = dict(extra_env or {})
        # With DEBUG off a subgraph refuses to start without it; the router sends it.
        self.extra_env.setdefault("ROUTER_SHARED_SECRET", secrets.token_urlsafe(32))
        self.workers = workers
        self.databases = Databases(
            work_dir, server_url=database_server_url or os.environ.get("DATABASE_URL")
        )
        self.manifest = load()
        self.private_key = generate_private_key_pem()
        self.ports = {name: free_port() for name in (*self.manifest.names, "router")}
        self.mail = MailSink(free_port())
        # With DEBUG off the users service refuses to start without a mail server, a sender and
        # the frontend its links point at.
        self.extra_env.setdefault("EMAIL_HOST", "127.0.0.1")
        self.extra_env.setdefault("EMAIL_PORT", str(self.mail.port))
        self.extra_env.setdefault("DEFAULT_FROM_EMAIL", "accounts@example.com")
        self.extra_env.setdefault("FRONTEND_BASE_URL", "http://127.0.0.1:5173")
        self.router_url = f"http://127.0.0.1:{self.ports['router']}"
        self.services: dict[str, ServiceProcess] = {}

    def subgraph_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _base_env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update(
            {
                "ENV_FILE": os.devnull,
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CORS_ALLOWED_ORIGINS": "http://127.0.0.1:5173",
                "JWT_ALGORITHM": "RS256",
                "JWT_JWKS_URL": jwks_url(self.ports[self.manifest.token_issuer.name]),
                "LOG_LEVEL": "INFO",
                **self.extra_env,
            }
        )
        return env

    def _subgraph(self, subgraph: Subgraph) -> ServiceProcess:
        name = subgraph.name
        env = {
            **self._base_env(),
            "DJANGO_SETTINGS_MODULE": subgraph.settings_module,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": self.databases.create(name),
        }
        if subgraph.issues_tokens:
            env["JWT_PRIVATE_KEY"] = self.private_key
        # Each subgraph's base URL, for the calls between subgraphs that skip the router.
        env.update(self.manifest.internal_environment(self.ports))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=subgraph.folder,
            env=env,
            check=True,
        )
        if self.workers is None:
            command = [sys.executable, "-m", "uvicorn", subgraph.asgi_app]
            command += ["--host", "127.0.0.1", "--port", str(self.ports[name])]
            # The client address is the router's X-Client-IP or the socket peer, never a header
            # uvicorn would believe from 127.0.0.1 (its default).
            command += ["--no-proxy-headers"]
        else:
            command, server_env = production_server(
                subgraph.asgi_app, self.ports[name], self.workers
            )
            env.update(server_env)
        return ServiceProcess(
            name=name,
            command=command,
            cwd=subgraph.folder,
            env=env,
            health_url=f"{self.subgraph_url(name)}/readyz",
            log_path=self.work_dir / f"{name}.log",
        )

    def _task_worker(self, subgraph: Subgraph) -> ServiceProcess:
        """The subgraph's task worker, on the subgraph's database and settings."""
        served = self.services[subgraph.name]
        command = task_worker_command()
        if self.workers is None:
            # The tests' stack: the worker polls its queue this often, quicker than the default
            # 1 s, so mail arrives soon. The images' command (`workers`) keeps the default.
            command += ["--interval", "0.2"]
        return ServiceProcess(
            name=subgraph.worker_name,
            command=command,
            cwd=served.cwd,
            env=served.env,
            health_url=None,
            log_path=self.work_dir / f"{subgraph.worker_name}.log",
        )

    def start(self) -> None:
        self.mail.start()
        for subgraph in self.manifest.subgraphs:
            self.services[subgraph.name] = self._subgraph(subgraph)
            if subgraph.runs_task_worker:
                self.services[subgraph.worker_name] = self._task_worker(subgraph)
        self.services["router"] = self._router("router", self.ports["router"], {})
        for service in self.services.values():
            service.start()
        for service in self.services.values():
            service.wait_until_healthy()

    def _router(self, name: str, port: int, extra_env: dict[str, str]) -> ServiceProcess:
        env = {
            **self._base_env(),
            "ROUTER_HOST": "127.0.0.1",
            "ROUTER_PORT": str(port),
            **self.manifest.router_environment(self.ports),
            **extra_env,
        }
        return ServiceProcess(
            name=name,
            command=router_command(),
            cwd=self.manifest.router.folder,
            env={**env, "PATH": router_path(env)},
            health_url=f"http://127.0.0.1:{port}/readiness",
            log_path=self.work_dir / f"{name}.log",
        )

    def start_router(self, name: str, extra_env: dict[str, str]) -> str:
        """Start another router beside the running stack and return its URL.

        It calls the same subgraphs with the main router's environment plus `extra_env` (e.g.
        ROUTER_DEVELOPMENT=true, or a subgraph URL pointing at a stand-in), and stops with the
        stack.
        """
        port = free_port()
        router = self._router(name, port, extra_env)
        self.services[name] = router
        router.start()
        router.wait_until_healthy()
        return f"http://127.0.0.1:{port}"

    def create_superuser(self, email: str, password: str) -> None:
        """`manage.py createsuperuser` against the running users service's database."""
        users = self.services["users"]
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--no-input", "--email", email],
            cwd=users.cwd,
            env={**users.env, "DJANGO_SUPERUSER_PASSWORD": password},
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()
        self.mail.stop()
        self.databases.drop_all()

    def manage(self, service: str, *arguments: str) -> str:
        """`manage.py <arguments>` against a running subgraph's database; its standard output."""
        served = self.services[service]
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=served.cwd,
            env=served.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def subgraph_requests(self) -> int:
        """GraphQL requests the subgraphs have received so far, from uvicorn's access log (a line
        per request; the `workers` mode's serve.sh writes none)."""
        return sum(
            self.services[name].log_path.read_text().count("POST /graphql")
            for name in self.manifest.names
        )

    def logs(self) -> str:
        return "\n".join(
            f"----- {name} -----\n{service.log_tail()}" for name, service in self.services.items()
        )

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        access_token: str | None = None,
        url: str | None = None,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        request_headers = dict(headers or {})
        if access_token:
            request_headers["Authorization"] = f"Bearer {access_token}"
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        return httpx.post(
            url or f"{self.router_url}/graphql",
            json=payload,
            headers=request_headers,
            timeout=30,
        )


@contextmanager
def running_stack(
    work_dir: Path,
    *,
    extra_env: dict[str, str] | None = None,
    database_server_url: str | None = None,
) -> Iterator[Stack]:
    stack = Stack(work_dir, extra_env=extra_env, database_server_url=database_server_url)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
