"""deploy/postgres/service-database.sh, run on a brand-new server as `<service>-db-role` runs it.

Each service gets a role that owns its database and can connect to nothing else, and each
service's migrations run as that role (no superuser), exactly as `<service>-migrate` does. Run
again with a new password, the script changes that role's password and nothing else: the
rotation docs/deploy.md describes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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

from tests.deploy.specs import REPO_ROOT, SUBGRAPHS, compose, interpolate, subgraph_dockerfile
from tests.deploy.subgraph_environment import (
    operator_dotenv,
    replay,
    subgraph_process_environment,
)
from tests.support.stack import free_port

POSTGRES_SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"
ROLE_SCRIPT = REPO_ROOT / "deploy" / "postgres" / "service-database.sh"
SERVER_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))

pytestmark = pytest.mark.skipif(
    not SERVER_BINARIES, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed"
)


@pytest.fixture(scope="module")
def dotenv() -> dict[str, str]:
    return operator_dotenv()


def run_role_step(server_url: str, service: str, dotenv: dict[str, str]) -> None:
    """`<service>-db-role`: compose's command with compose's environment, pointed at `server_url`
    (whose superuser needs no password) instead of the `postgres` service."""
    step = compose()["services"][f"{service}-db-role"]
    environment = interpolate(step["environment"], dotenv)
    address = urlsplit(server_url)
    command = [
        str(ROLE_SCRIPT) if word == "/deploy/service-database.sh" else word
        for word in step["command"]
    ]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        env={
            "PATH": f"{SERVER_BINARIES[-1].parent}:{os.environ['PATH']}",
            **environment,
            "PGHOST": address.hostname,
            "PGPORT": str(address.port),
        },
    )


def password_matches(scram_verifier: str, password: str) -> bool:
    """Whether `password` is the one PostgreSQL stored as `scram_verifier` (RFC 5802/7677)."""
    mechanism, _, rest = scram_verifier.partition("$")
    iterations_and_salt, _, keys = rest.partition("$")
    iterations, _, salt = iterations_and_salt.partition(":")
    stored_key, _, _ = keys.partition(":")
    assert mechanism == "SCRAM-SHA-256"
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))


def stored_password(server_url: str, role: str) -> str:
    with psycopg.connect(server_url_for(server_url, "postgres")) as connection:
        return connection.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)
        ).fetchone()[0]


@pytest.fixture(scope="module")
def server(dotenv: dict[str, str]) -> Iterator[str]:
    """A new PostgreSQL server, set up by each service's role step; yields the superuser URL."""
    # Under /tmp, not pytest's private folder: the server runs as the `postgres` system user.
    data_dir = tempfile.mkdtemp(prefix="deploy-postgres.", dir="/tmp")
    server_url = subprocess.run(
        [str(POSTGRES_SCRIPT), "start", data_dir, str(free_port())],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        for service in SUBGRAPHS:
            run_role_step(server_url, service, dotenv)
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


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_each_role_has_the_password_its_service_connects_with(server, dotenv, service):
    password = urlsplit(subgraph_process_environment(service, dotenv)["DATABASE_URL"]).password
    assert password_matches(stored_password(server, service), password)
    assert not password_matches(stored_password(server, service), password + "x")


def test_a_new_password_changes_that_role_only_and_keeps_its_data(server, dotenv):
    """The rotation: the step runs again (every `up`) with users' new password."""
    with psycopg.connect(server_url_for(server, "users")) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS rotation_probe (id int)")
        connection.execute("INSERT INTO rotation_probe VALUES (1)")
    rotated = {**dotenv, "USERS_DB_PASSWORD": dotenv["USERS_DB_PASSWORD"] + "-rotated"}
    try:
        run_role_step(server, "users", rotated)
        run_role_step(server, "posts", rotated)  # unchanged: sets the same password again
        assert password_matches(stored_password(server, "users"), rotated["USERS_DB_PASSWORD"])
        assert not password_matches(stored_password(server, "users"), dotenv["USERS_DB_PASSWORD"])
        assert password_matches(stored_password(server, "posts"), dotenv["POSTS_DB_PASSWORD"])
        with psycopg.connect(server_url_for(server, "users")) as connection:
            assert connection.execute("SELECT count(*) FROM rotation_probe").fetchone() == (1,)
    finally:
        run_role_step(server, "users", dotenv)
        with psycopg.connect(server_url_for(server, "users")) as connection:
            connection.execute("DROP TABLE rotation_probe")
