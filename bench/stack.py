"""Everything the benchmark runs: its own PostgreSQL server, the federated stack (users, posts,
router) in production settings with uvicorn workers, the baseline monolith served the same way,
and the floors (bench/floors/), one uvicorn worker each.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.dataset import DatabaseUrls
from bench.postgres import PostgresServer
from subgraph_kit.keys import public_key_pem
from tests.support.stack import REPO_ROOT, ServiceProcess, Stack, free_port, production_server

MONOLITH_DATABASE = "bench_monolith"
# The floors (bench/floors/): service name -> ASGI application, each served by one uvicorn worker.
FLOORS = {
    "floor-django": "bench.floors.django_app:application",
    "floor-strawberry": "bench.floors.strawberry_asgi:application",
}
FLOOR_WORKERS = 1


class BenchStack:
    def __init__(self, log_dir: Path, *, workers: int, extra_env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.workers = workers
        self.extra_env = extra_env
        self.router_secret = secrets.token_urlsafe(32)
        # PostgreSQL runs as its own system user: its data directory lives outside the repository.
        self.postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="bench-postgres-")))
        self.federated: Stack | None = None
        self.monolith: ServiceProcess | None = None
        self.monolith_port = free_port()
        self.floor_ports = {name: free_port() for name in FLOORS}
        self.floors: dict[str, ServiceProcess] = {}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        server_url = self.postgres.start()
        # The router reloads its supergraph file when it changes: a copy keeps the run steady
        # while schema/ is being rewritten.
        supergraph = self.log_dir / "supergraph.graphql"
        shutil.copyfile(REPO_ROOT / "schema" / "supergraph.graphql", supergraph)
        self.federated = Stack(
            self.log_dir,
            extra_env={
                "ROUTER_SHARED_SECRET": self.router_secret,
                "SUPERGRAPH_PATH": str(supergraph),
                **self.extra_env,
            },
            database_server_url=server_url,
            workers=self.workers,
        )
        self.federated.start()
        self.monolith = self._monolith(self.postgres.create_database(MONOLITH_DATABASE))
        self.monolith.start()
        self.monolith.wait_until_healthy()
        for name, application in FLOORS.items():
            floor = self.floors[name] = self._floor(name, application)
            floor.start()
        for floor in self.floors.values():
            floor.wait_until_healthy()

    def stop(self) -> None:
        for floor in self.floors.values():
            floor.stop()
        if self.monolith is not None:
            self.monolith.stop()
        if self.federated is not None:
            self.federated.stop()
        self.postgres.stop()
        shutil.rmtree(self.postgres.data_dir, ignore_errors=True)

    def _monolith(self, database_url: str) -> ServiceProcess:
        assert self.federated is not None
        command, server_env = production_server(
            "bench.monolith.asgi:application", self.monolith_port, self.workers
        )
        env = {
            **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
            "ENV_FILE": os.devnull,
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "bench.monolith.settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            # Required with DEBUG off by the shared settings, though no router calls the monolith.
            "ROUTER_SHARED_SECRET": self.router_secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CORS_ALLOWED_ORIGINS": "http://127.0.0.1:5173",
            "LOG_LEVEL": "INFO",
            "DATABASE_URL": database_url,
            "JWT_ALGORITHM": "RS256",
            "JWT_PUBLIC_KEY": public_key_pem(self.federated.private_key),
            **self.extra_env,
            **server_env,
        }
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--no-input", "-v", "0"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        return ServiceProcess(
            name="monolith",
            command=command,
            cwd=REPO_ROOT,
            env=env,
            health_url=f"{self.base_url('monolith')}/readyz",
            log_path=self.log_dir / "monolith.log",
        )

    def _floor(self, name: str, application: str) -> ServiceProcess:
        command, server_env = production_server(application, self.floor_ports[name], FLOOR_WORKERS)
        env = {
            **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
            **server_env,
        }
        return ServiceProcess(
            name=name,
            command=command,
            cwd=REPO_ROOT,
            env=env,
            health_url=f"{self.base_url(name)}/graphql?query=%7B__typename%7D",
            log_path=self.log_dir / f"{name}.log",
        )

    # ------------------------------------------------------------------ what the harness needs

    @property
    def stack(self) -> Stack:
        assert self.federated is not None, "start() first"
        return self.federated

    def base_url(self, target: str) -> str:
        if target == "monolith":
            return f"http://127.0.0.1:{self.monolith_port}"
        if target == "router":
            return self.stack.router_url
        if target in self.floor_ports:
            return f"http://127.0.0.1:{self.floor_ports[target]}"
        return self.stack.subgraph_url(target)

    def processes(self) -> dict[str, ServiceProcess]:
        assert self.monolith is not None
        return {**self.stack.services, "monolith": self.monolith, **self.floors}

    def database_urls(self) -> DatabaseUrls:
        services = self.stack.services
        return DatabaseUrls(
            users=services["users"].env["DATABASE_URL"],
            posts=services["posts"].env["DATABASE_URL"],
            monolith=self.postgres.database_url(MONOLITH_DATABASE),
        )

    def task_workers(self) -> list[ServiceProcess]:
        """The stack's task workers (the users service's: account mail and purges)."""
        return [
            self.stack.services[subgraph.worker_name]
            for subgraph in self.stack.manifest.subgraphs
            if subgraph.runs_task_worker
        ]

    def database_services(self) -> dict[str, str]:
        """Database name -> the service that owns it."""
        urls = self.database_urls()
        return {
            urlsplit(url).path.lstrip("/"): service
            for service, url in (
                ("users", urls.users),
                ("posts", urls.posts),
                ("monolith", urls.monolith),
            )
        }

    def password_hash(self, password: str) -> str:
        """`password` hashed once by the users service itself (its hasher: Argon2)."""
        users = self.stack.services["users"]
        completed = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "import os; from django.contrib.auth.hashers import make_password; "
                "print(make_password(os.environ['BENCH_PASSWORD']))",
            ],
            cwd=users.cwd,
            env={**users.env, "BENCH_PASSWORD": password},
            check=True,
            capture_output=True,
            text=True,
        )
        return completed.stdout.strip().splitlines()[-1]

    def signing_key_id(self) -> str:
        """The `kid` the users service signs with, as its JWKS publishes it."""
        jwks = httpx.get(f"{self.base_url('users')}/.well-known/jwks.json", timeout=10).json()
        return jwks["keys"][0]["kid"]
