"""Rate limits: attempts counted per subject (an address, an account, a user) in time windows.

The counters are rows of the service's RateLimitCounter model (a subclass of
subgraph_kit.models.RateLimitCounterBase, named by settings.RATE_LIMIT_COUNTER_MODEL), in the
service's database, so every worker and every replica counts together. A count goes up by one
atomic statement (INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count):
concurrent attempts each get their own count. Django's database cache backend cannot do this, as
its `incr` reads the value and then writes it back.

A limit is a sliding window, estimated from two fixed windows: the current window's count plus
the previous window's, weighted by the part of it still less than one window ago. It lets no
burst of twice the limit through at a window boundary, and needs two rows, not one per attempt.

An attempt is counted before it runs and refused when its count goes over the limit, so
concurrent attempts cannot all pass a check made before any of them was counted. A refused
attempt is uncounted: only attempts that ran count, and a client that keeps trying while refused
does not extend its own wait. Limits on failures uncount the attempt again when it succeeds.

Keys hold a keyed hash (HMAC with SECRET_KEY) of the subject, never the values: the table does
not tell who tried what from where.

Each limit is configured as settings.RATE_LIMITS[name] (subgraph_kit.settings.rate_limit_settings).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F

from subgraph_kit.errors import RateLimited
from subgraph_kit.models import RateLimitCounterBase

# An IPv6 client usually holds a whole /64: counting single addresses would let it try 2^64 times.
IPV6_CLIENT_PREFIX_LENGTH = 64


def counter_model() -> type[RateLimitCounterBase]:
    """The service's counter model (settings.RATE_LIMIT_COUNTER_MODEL, `app_label.ModelName`)."""
    return apps.get_model(settings.RATE_LIMIT_COUNTER_MODEL)


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A limit named in settings.RATE_LIMITS, and what a refused client is told."""

    name: str
    refusal: str

    def rate(self) -> Rate | None:
        """The configured rate; None when the limit is off."""
        configured = settings.RATE_LIMITS[self.name]
        return Rate(**configured) if configured is not None else None

    def quota(self, *subject: str) -> Quota:
        """This limit applied to one subject: an address, an email, a user id, or several."""
        return Quota(limit=self, key=counter_key(self.name, *subject))


@dataclass(frozen=True, slots=True)
class Quota:
    limit: RateLimit
    key: str


@dataclass(frozen=True, slots=True)
class CountedAttempt:
    key: str
    window_start: int

    def uncount(self) -> None:
        counter_model().objects.filter(
            key=self.key, window_start=self.window_start, count__gt=0
        ).update(count=F("count") - 1)


def current_time() -> float:
    """Now, in Unix seconds: the clock every window is measured on (tests move it)."""
    return time.time()


def client_subject(address: str) -> str:
    """Whom a per-client limit counts: the IPv4 address, or the IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network((ip, IPV6_CLIENT_PREFIX_LENGTH), strict=False))
    return str(ip)


def counter_key(name: str, *subject: str) -> str:
    message = json.dumps([name, *subject]).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"{name.lower()}:{digest[:40]}"


@contextmanager
def attempt(
    *, counted_always: Sequence[Quota] = (), counted_if_failed: Sequence[Quota] = ()
) -> Iterator[None]:
    """Count one attempt against each quota, or refuse it (RATE_LIMITED) counting nothing.

    The block is the attempt. It stays counted against `counted_if_failed` only if it raises.
    """
    counted: list[CountedAttempt] = []
    try:
        for quota in [*counted_always, *counted_if_failed]:
            counted_attempt = _count(quota)
            if counted_attempt is not None:
                counted.append(counted_attempt)
    except RateLimited:
        for counted_attempt in counted:
            counted_attempt.uncount()
        raise
    yield
    failure_keys = {quota.key for quota in counted_if_failed}
    for counted_attempt in counted:
        if counted_attempt.key in failure_keys:
            counted_attempt.uncount()


def _count(quota: Quota) -> CountedAttempt | None:
    rate = quota.limit.rate()
    if rate is None:
        return None
    now = current_time()
    window_start = int(now) - int(now) % rate.window_seconds
    count = increment(quota.key, window_start=window_start, window_seconds=rate.window_seconds)
    counted_attempt = CountedAttempt(key=quota.key, window_start=window_start)
    previous_count = count_in(quota.key, window_start - rate.window_seconds)
    previous_weight = 1 - (now - window_start) / rate.window_seconds
    if previous_count * previous_weight + count <= rate.count:
        return counted_attempt
    counted_attempt.uncount()
    retry_after = _seconds_until_allowed(
        rate, now=now, window_start=window_start, count=count - 1, previous_count=previous_count
    )
    raise RateLimited(
        f"{quota.limit.refusal}. Try again in {retry_after} seconds.",
        retry_after_seconds=retry_after,
    )


def _seconds_until_allowed(
    rate: Rate, *, now: float, window_start: int, count: int, previous_count: int
) -> int:
    """When one more attempt would fit, if nobody else tries meanwhile (at least one second).

    While the current window runs, the previous window's weight falls; once it has ended, the
    current window is the previous one and its own weight falls.
    """
    window = rate.window_seconds
    room = rate.count - 1
    if count <= room:
        # Here previous_count > 0, or the attempt would have fitted.
        allowed_at = window_start + window * (1 - (room - count) / previous_count)
    else:
        allowed_at = window_start + window + window * (1 - room / count)
    return max(1, math.ceil(allowed_at - now))


def increment(key: str, *, window_start: int, window_seconds: int) -> int:
    """Add one to the key's count in this window, atomically; return the new count (the row
    expires two windows after the window starts)."""
    quote = connection.ops.quote_name
    table = quote(counter_model()._meta.db_table)
    key_column, window_column, count_column, expiry_column = (
        quote(name) for name in ("key", "window_start", "count", "expires_at")
    )
    # Both PostgreSQL and SQLite (3.35+) run this as one atomic statement.
    statement = (
        f"INSERT INTO {table} ({key_column}, {window_column}, {count_column}, {expiry_column}) "  # noqa: S608 (quoted names, values are parameters)
        f"VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT ({key_column}, {window_column}) "
        f"DO UPDATE SET {count_column} = {table}.{count_column} + 1 "
        f"RETURNING {count_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [key, window_start, window_start + 2 * window_seconds])
        return cursor.fetchone()[0]


def count_in(key: str, window_start: int) -> int:
    return (
        counter_model()
        .objects.filter(key=key, window_start=window_start)
        .values_list("count", flat=True)
        .first()
        or 0
    )


def purge_expired_counters() -> int:
    """Delete the counters whose windows no longer count; return how many were deleted."""
    deleted, _ = counter_model().objects.filter(expires_at__lt=int(current_time())).delete()
    return deleted
