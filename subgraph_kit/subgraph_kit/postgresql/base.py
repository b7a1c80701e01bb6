"""Django's PostgreSQL backend, whose connection pool recovers at once from a database restart.

A restart, failover or connection-killing proxy leaves every idle pooled connection dead. With
CONN_HEALTH_CHECKS Django has psycopg_pool check a connection before handing it out; a dead one is
discarded and the next one tried, but after a second failure psycopg_pool waits 1 s, then 2 s,
then 4 s between tries. A pool holding more than three dead connections therefore runs out of
its wait (DATABASE_POOL_TIMEOUT_SECONDS) before reaching a live one: the first requests after a
quick restart failed for ~10 s (tests/hardening/test_faults.py). One failed check here checks
every idle connection at once (`ConnectionPool.check()`, which discards the dead and opens
replacements), so the request waits only for a fresh connection.

Django builds the pool itself and passes `check=` explicitly (no pool option can replace it), so
the check is wrapped on the pool Django made; everything else is Django's backend unchanged.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


def check_connection_or_sweep(pool: ConnectionPool, connection: Any) -> None:
    """psycopg_pool's own check; when it fails, every idle connection of `pool` is checked too."""
    try:
        ConnectionPool.check_connection(connection)
    except Exception:
        pool.check()
        raise


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool
        # Only Django's default check is replaced (CONN_HEALTH_CHECKS on); a pool already wrapped,
        # or created without checks, is left as it is.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = lambda connection: check_connection_or_sweep(pool, connection)
        return pool
