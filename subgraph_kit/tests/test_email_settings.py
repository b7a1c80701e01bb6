"""email_settings: SMTP from the environment, the console in development, and start-up stopped
with DEBUG off when the mail server or the sender is missing."""

from __future__ import annotations

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from subgraph_kit.settings import email_settings, tasks_settings


def env_of(**variables: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = variables
    return env


def test_debug_on_without_a_mail_server_prints_messages_to_the_console() -> None:
    settings = email_settings(env_of(), debug=True)

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"DEFAULT_FROM_EMAIL": "accounts@example.com"}, "EMAIL_HOST"),
        ({"EMAIL_HOST": "smtp.example.com"}, "DEFAULT_FROM_EMAIL"),
    ],
)
def test_debug_off_without_a_mail_variable_stops_naming_it(variables, missing) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"^{missing} must be set"):
        email_settings(env_of(**variables), debug=False)


def test_smtp_is_configured_from_the_environment() -> None:
    settings = email_settings(
        env_of(
            EMAIL_HOST="smtp.example.com",
            EMAIL_PORT="2525",
            EMAIL_USE_TLS="true",
            EMAIL_HOST_USER="mailer",
            EMAIL_HOST_PASSWORD="mail-secret",
            EMAIL_TIMEOUT="7.5",
            DEFAULT_FROM_EMAIL="Accounts <accounts@example.com>",
        ),
        debug=False,
    )

    assert settings == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 2525,
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "mail-secret",
        "EMAIL_TIMEOUT": 7.5,
        "DEFAULT_FROM_EMAIL": "Accounts <accounts@example.com>",
    }


@pytest.mark.parametrize(
    ("variables", "port"),
    [({}, 25), ({"EMAIL_USE_TLS": "true"}, 587), ({"EMAIL_USE_SSL": "true"}, 465)],
)
def test_the_default_port_follows_the_encryption(variables, port) -> None:
    env = env_of(EMAIL_HOST="smtp.example.com", DEFAULT_FROM_EMAIL="a@example.com", **variables)

    assert email_settings(env, debug=False)["EMAIL_PORT"] == port


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "cannot both be true"),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be a number of seconds above 0"),
    ],
)
def test_contradictory_or_impossible_values_stop_start_up(variables, message) -> None:
    env = env_of(EMAIL_HOST="smtp.example.com", DEFAULT_FROM_EMAIL="a@example.com", **variables)

    with pytest.raises(ImproperlyConfigured, match=message):
        email_settings(env, debug=True)


def test_tasks_go_to_the_database_backend() -> None:
    assert tasks_settings(env_of())["TASKS"]["default"]["BACKEND"] == (
        "django_tasks_db.DatabaseBackend"
    )
