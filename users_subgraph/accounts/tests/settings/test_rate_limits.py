"""RATE_LIMIT_* variables: `<count>/<period>` or `off`, refused at start-up when malformed."""

from __future__ import annotations

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from subgraph_kit.settings import parse_rate
from users_subgraph.settings.rate_limits import DEFAULT_RATES, rate_limit_settings


@pytest.mark.parametrize(
    ("value", "count", "window_seconds"),
    [
        ("20/min", 20, 60),
        ("5/15min", 5, 900),
        ("50/h", 50, 3600),
        ("10 / hour", 10, 3600),
        ("100/d", 100, 86400),
        ("30/90s", 30, 90),
        ("3/2minutes", 3, 120),
        ("7/HOURS", 7, 3600),
    ],
)
def test_a_rate_is_a_count_per_period(value: str, count: int, window_seconds: int) -> None:
    assert parse_rate("RATE_LIMIT_X", value) == {"count": count, "window_seconds": window_seconds}


def test_off_turns_a_limit_off() -> None:
    assert parse_rate("RATE_LIMIT_X", " Off ") is None


@pytest.mark.parametrize("value", ["", "20", "20/", "/min", "0/min", "5/0min", "5/ms", "5/week"])
def test_a_malformed_rate_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_X"):
        parse_rate("RATE_LIMIT_X", value)


def test_every_limit_has_a_default_and_an_environment_variable() -> None:
    env = environ.Env()
    env.ENVIRON = {"RATE_LIMIT_SIGNUP_PER_EMAIL": "3/h"}

    limits = rate_limit_settings(env)["RATE_LIMITS"]

    assert set(limits) == set(DEFAULT_RATES)
    assert limits["SIGNUP_PER_EMAIL"] == {"count": 3, "window_seconds": 3600}
    assert limits["LOGIN_PER_CLIENT"] == {"count": 20, "window_seconds": 60}
