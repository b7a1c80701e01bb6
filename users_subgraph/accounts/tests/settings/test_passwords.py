"""ARGON2_CONCURRENCY: how many password hashes a process runs at once."""

from __future__ import annotations

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from users_subgraph.settings.passwords import password_settings


def environment(**variables: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = variables
    return env


def test_two_hashes_at_once_by_default() -> None:
    assert password_settings(environment())["ARGON2_CONCURRENCY"] == 2


def test_the_environment_sets_the_concurrency() -> None:
    settings = password_settings(environment(ARGON2_CONCURRENCY="4"))

    assert settings["ARGON2_CONCURRENCY"] == 4


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_concurrency_below_one_stops_start_up(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="ARGON2_CONCURRENCY"):
        password_settings(environment(ARGON2_CONCURRENCY=value))
