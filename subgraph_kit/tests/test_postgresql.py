"""The kit's PostgreSQL backend on a real server of the test's own, restarted under a full pool."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler
from psycopg_pool import ConnectionPool

POSTGRES_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres.sh"
pytestmark = pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")),
    reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed",
)
# More idle connections than psycopg_pool's back-off between checks (0 + 1 + 2 s, then 4 s)
# gets through within the pool's wait.
IDLE_CONNECTIONS = 8
POOL_TIMEOUT_SECONDS = 3.0


class Server:
    def __init__(self) -> None:
        # Under /tmp: the server runs as the `postgres` system user when the tests run as root.
        self.data_dir = tempfile.mkdtemp(prefix="kit-postgres.", dir="/tmp")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def start(self) -> None:
        subprocess.run(
            [str(POSTGRES_SCRIPT), "start", self.data_dir, str(self.port)],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", self.data_dir], check=True)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    server = Server()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture
def pool(server: Server) -> Iterator[ConnectionPool]:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "subgraph_kit.postgresql",
                "NAME": "postgres",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": server.port,
                "CONN_HEALTH_CHECKS": True,
                "OPTIONS": {
                    "pool": {
                        "min_size": 1,
                        "max_size": IDLE_CONNECTIONS,
                        "timeout": POOL_TIMEOUT_SECONDS,
                    }
                },
            }
        }
    )
    wrapper = handler["default"]
    pool = wrapper.pool
    pool.open(wait=True)
    yield pool
    wrapper.close_pool()


def test_the_first_request_after_a_restart_gets_a_live_connection(
    server: Server, pool: ConnectionPool
) -> None:
    held = [pool.getconn() for _ in range(IDLE_CONNECTIONS)]
    for connection in held:
        pool.putconn(connection)

    server.stop()
    server.start()

    # Django's backend as it is: PoolTimeout here, after checking three or four dead connections.
    with pool.connection() as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)
    with pool.connection() as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_a_pool_built_without_health_checks_is_left_alone(server: Server) -> None:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "subgraph_kit.postgresql",
                "NAME": "postgres",
                "HOST": "127.0.0.1",
                "PORT": server.port,
                "CONN_HEALTH_CHECKS": False,
                "OPTIONS": {"pool": {"min_size": 1}},
            }
        }
    )
    assert handler["default"].pool._check is None
