"""Rate limits of the public authentication mutations, one RATE_LIMIT_* variable each.

A value is `<count>/<period>`: `20/min`, `5/15min`, `50/h`, `10/hour`, `100/d`, `30/90s`;
`off` turns the limit off. What each limit counts is in accounts/rate_limits.py.
"""

from __future__ import annotations

import re
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

# Production defaults: generous for people, tight for scripts (docs/security.md, "Rate limits").
DEFAULT_RATES = {
    "LOGIN_PER_CLIENT": "20/min",
    "LOGIN_FAILURES_PER_EMAIL_AND_CLIENT": "5/15min",
    "LOGIN_FAILURES_PER_EMAIL": "50/h",
    "SIGNUP_PER_CLIENT": "20/h",
    "SIGNUP_PER_EMAIL": "10/h",
    "REFRESH_PER_CLIENT": "60/min",
}
UNIT_SECONDS = {
    **dict.fromkeys(["s", "sec", "secs", "second", "seconds"], 1),
    **dict.fromkeys(["m", "min", "mins", "minute", "minutes"], 60),
    **dict.fromkeys(["h", "hour", "hours"], 3600),
    **dict.fromkeys(["d", "day", "days"], 86400),
}
RATE = re.compile(r"(?P<count>\d+)\s*/\s*(?P<multiple>\d*)\s*(?P<unit>[a-z]+)")


def parse_rate(name: str, value: str) -> dict[str, int] | None:
    """`{"count": ..., "window_seconds": ...}` for `<count>/<period>`; None for `off`."""
    text = value.strip().lower()
    if text == "off":
        return None
    match = RATE.fullmatch(text)
    unit_seconds = UNIT_SECONDS.get(match["unit"]) if match else None
    if match is None or unit_seconds is None:
        raise ImproperlyConfigured(
            f"{name} must look like 20/min, 5/15min, 50/h or 100/d (or be off), not {value!r}"
        )
    count, multiple = int(match["count"]), int(match["multiple"] or 1)
    if count < 1 or multiple < 1:
        raise ImproperlyConfigured(f"{name} needs a count and a period above zero, not {value!r}")
    return {"count": count, "window_seconds": multiple * unit_seconds}


def rate_limit_settings(env: environ.Env) -> dict[str, Any]:
    return {
        "RATE_LIMITS": {
            name: parse_rate(f"RATE_LIMIT_{name}", env.str(f"RATE_LIMIT_{name}", default=default))
            for name, default in DEFAULT_RATES.items()
        }
    }
