"""account_email_settings: the verification policy, the links' frontend and the links' lifetimes."""

from __future__ import annotations

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from users_subgraph.settings.email import account_email_settings


def env_of(**variables: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = variables
    return env


def test_the_defaults_in_development() -> None:
    assert account_email_settings(env_of(), debug=True) == {
        "ACCOUNT_EMAIL_VERIFICATION": "optional",
        "ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS": 3 * 24 * 3600,
        "PASSWORD_RESET_TIMEOUT": 3 * 24 * 3600,
        # The web example's development server (examples/web).
        "FRONTEND_BASE_URL": "http://127.0.0.1:5173",
    }


def test_values_from_the_environment() -> None:
    settings = account_email_settings(
        env_of(
            ACCOUNT_EMAIL_VERIFICATION="Mandatory",
            ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS="86400",
            PASSWORD_RESET_TIMEOUT_SECONDS="3600",
            FRONTEND_BASE_URL="https://app.example.com/",
        ),
        debug=False,
    )

    assert settings == {
        "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
        "ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS": 86400,
        "PASSWORD_RESET_TIMEOUT": 3600,
        "FRONTEND_BASE_URL": "https://app.example.com",
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "FRONTEND_BASE_URL must be set in the environment when DEBUG is off"),
        ({"FRONTEND_BASE_URL": "app.example.com"}, "FRONTEND_BASE_URL must start with https://"),
        (
            {"FRONTEND_BASE_URL": "https://a.example", "ACCOUNT_EMAIL_VERIFICATION": "always"},
            "ACCOUNT_EMAIL_VERIFICATION must be one of none, optional, mandatory",
        ),
        (
            {"FRONTEND_BASE_URL": "https://a.example", "PASSWORD_RESET_TIMEOUT_SECONDS": "0"},
            "PASSWORD_RESET_TIMEOUT_SECONDS must be at least 1 second",
        ),
    ],
)
def test_wrong_or_missing_values_stop_start_up(variables, message) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        account_email_settings(env_of(**variables), debug=False)
