"""The benchmark's own PostgreSQL server: a fresh data directory on a free port, started and
stopped with scripts/postgres.sh, with PostgreSQL's durable defaults (fsync on, as in production,
unlike the test servers) and pg_stat_statements, which counts the SQL statements each request runs.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.support.stack import REPO_ROOT, free_port

POSTGRES_SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"
SERVER_OPTIONS = "-c shared_preload_libraries=pg_stat_statements"


class PostgresServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = ""

    def start(self) -> str:
        completed = subprocess.run(
            [str(POSTGRES_SCRIPT), "start", str(self.data_dir), str(self.port)],
            env={**os.environ, "POSTGRES_SERVER_OPTIONS": SERVER_OPTIONS},
            check=True,
            capture_output=True,
            text=True,
        )
        self.url = completed.stdout.strip().splitlines()[-1]
        with self.connect() as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return self.url

    def stop(self) -> None:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", str(self.data_dir)], check=False)

    def pid(self) -> int:
        """The postmaster's process id (its children are the connections' backends)."""
        return int((self.data_dir / "postmaster.pid").read_text().split()[0])

    def database_url(self, name: str) -> str:
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.database_url(database), autocommit=True)

    def create_database(self, name: str) -> str:
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def version(self) -> str:
        with self.connect() as connection:
            return str(connection.execute("SHOW server_version").fetchone()[0])

    def reset_statement_counts(self) -> None:
        with self.connect() as connection:
            connection.execute("SELECT pg_stat_statements_reset()")

    def statement_counts(self) -> dict[str, Counter[str]]:
        """Statements run since the last reset: per database, each statement's number of calls
        (the harness's own statements, in the `postgres` database, are left out)."""
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT d.datname, s.query, s.calls FROM pg_stat_statements AS s "
                "JOIN pg_database AS d ON d.oid = s.dbid WHERE d.datname <> 'postgres'"
            ).fetchall()
        counts: dict[str, Counter[str]] = {}
        for database, query, calls in rows:
            counts.setdefault(database, Counter())[query] += calls
        return counts
