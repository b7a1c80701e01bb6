"""deploy/postgres/init-databases.sh, run on a brand-new server as the postgres image runs it.

Each service gets a role that owns its database and can connect to nothing else, and each
service's migrations run as that role (no superuser), exactly as `<service>-migrate` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.deploy.specs import REPO_ROOT, SUBGRAPHS, compose, subgraph_dockerfile
from tests.deploy.subgraph_environment import (
    operator_dotenv,
    replay,
    subgraph_process_environment,
)
from tests.support.stack import free_port

POSTGRES_SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"
INIT_SCRIPT = REPO_ROOT / "deploy" / "postgres" / "init-databases.sh"
SERVER_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))

pytestmark = pytest.mark.skipif(
    not SERVER_BINARIES, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed"
)


@pytest.fixture(scope="module")
def dotenv() -> dict[str, str]:
    return operator_dotenv()


@pytest.fixture(scope="module")
def server(dotenv: dict[str, str]) -> Iterator[str]:
    """A new PostgreSQL server, initialised by the init script; yields the superuser URL."""
    # Under /tmp, not pytest's private folder: the server runs as the `postgres` system user.
    data_dir = tempfile.mkdtemp(prefix="deploy-postgres.", dir="/tmp")
    server_url = subprocess.run(
        [str(POSTGRES_SCRIPT), "start", data_dir, str(free_port())],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        address = urlsplit(server_url)
        postgres_environment = compose()["services"]["postgres"]["environment"]
        subprocess.run(
            [str(INIT_SCRIPT)],
            check=True,
            env={
                "PATH": f"{SERVER_BINARIES[-1].parent}:{os.environ['PATH']}",
                "PGHOST": address.hostname,
                "PGPORT": str(address.port),
                "POSTGRES_USER": postgres_environment["POSTGRES_USER"],
                "POSTGRES_DB": postgres_environment["POSTGRES_DB"],
                **{name: dotenv[name] for name in ("USERS_DB_PASSWORD", "POSTS_DB_PASSWORD")},
            },
        )
        yield server_url
    finally:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", data_dir], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)


def server_url_for(server_url: str, database: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


def service_url(server_url: str, service: str, dotenv: dict[str, str]) -> str:
    """The service's DATABASE_URL from compose.yaml, pointed at this server, not `postgres`."""
    compose_url = urlsplit(subgraph_process_environment(service, dotenv)["DATABASE_URL"])
    server = urlsplit(server_url)
    netloc = f"{compose_url.username}:{compose_url.password}@{server.hostname}:{server.port}"
    return urlunsplit(compose_url._replace(netloc=netloc))


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_each_service_role_owns_its_database_and_is_no_superuser(server, service):
    with psycopg.connect(server_url_for(server, "postgres")) as connection:
        owner, superuser, create_db, create_role, scram = connection.execute(
            """
            SELECT owner.rolname, owner.rolsuper, owner.rolcreatedb, owner.rolcreaterole,
                   owner.rolpassword LIKE 'SCRAM-SHA-256$%%'
            FROM pg_database JOIN pg_authid owner ON owner.oid = pg_database.datdba
            WHERE datname = %s
            """,
            (service,),
        ).fetchone()
    assert owner == service
    assert (superuser, create_db, create_role) == (False, False, False)
    assert scram, "the password is stored as a SCRAM hash"


@pytest.mark.parametrize(("service", "other"), [("users", "posts"), ("posts", "users")])
def test_a_service_role_cannot_connect_to_the_other_database(server, dotenv, service, other):
    own_url = service_url(server, service, dotenv)
    with psycopg.connect(own_url) as connection:
        assert connection.execute("SELECT current_user").fetchone() == (service,)
    foreign_url = urlunsplit(urlsplit(own_url)._replace(path=f"/{other}"))
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(foreign_url)


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_migrations_run_as_the_service_role(server, dotenv, service):
    dockerfile = subgraph_dockerfile(service)
    environment = {
        **subgraph_process_environment(service, dotenv),
        "DATABASE_URL": service_url(server, service, dotenv),
    }
    replay(
        compose()["services"][f"{service}-migrate"]["command"],
        cwd=dockerfile.repo_path(dockerfile.workdir),
        env=environment,
    )
    with psycopg.connect(environment["DATABASE_URL"]) as connection:
        unapplied = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--no-input"],
            cwd=dockerfile.repo_path(dockerfile.workdir),
            env=environment,
            capture_output=True,
            text=True,
        )
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
            (service,),
        ).fetchone()[0]
    assert unapplied.returncode == 0, unapplied.stdout + unapplied.stderr
    assert tables > 0
