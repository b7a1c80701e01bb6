"""With DEBUG off, a missing secret stops start-up with a message naming it.

Each case imports the real settings module in a fresh interpreter, with only the given variables.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from subgraph_kit.keys import generate_private_key_pem

PRODUCTION_BASICS = {
    "SECRET_KEY": "a-production-secret-key-" + "0123456789abcdef" * 3,
    "ROUTER_SHARED_SECRET": "a-router-secret",
    "ALLOWED_HOSTS": "users.example.com",
    "CORS_ALLOWED_ORIGINS": "https://app.example.com",
    "POSTS_INTERNAL_URL": "http://posts:8000",
}
# Password reset links always go out: production needs a mail server, a sender and a frontend.
PRODUCTION_MAIL = {
    "EMAIL_HOST": "smtp.example.com",
    "DEFAULT_FROM_EMAIL": "accounts@example.com",
    "FRONTEND_BASE_URL": "https://app.example.com",
}


def production_environment() -> dict[str, str]:
    """Everything production needs but the mail settings' one left out by each case."""
    return {
        **PRODUCTION_BASICS,
        **PRODUCTION_MAIL,
        "JWT_PRIVATE_KEY": generate_private_key_pem(),
    }


def import_settings(**environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import users_subgraph.settings"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, "DEBUG": "false", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ({}, "SECRET_KEY"),
        (PRODUCTION_BASICS, "JWT_PRIVATE_KEY"),
        ({**production_environment(), "EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({**production_environment(), "DEFAULT_FROM_EMAIL": ""}, "DEFAULT_FROM_EMAIL"),
        ({**production_environment(), "FRONTEND_BASE_URL": ""}, "FRONTEND_BASE_URL"),
        ({**PRODUCTION_BASICS, "JWT_ALGORITHM": "HS256"}, "JWT_SECRET_KEY"),
        (
            {
                **{
                    name: value
                    for name, value in production_environment().items()
                    if "POSTS" not in name
                },
            },
            "POSTS_INTERNAL_URL",
        ),
    ],
    ids=[
        "django secret",
        "RS256 private key",
        "mail server",
        "mail sender",
        "links' frontend",
        "HS256 secret",
        "posts service URL",
    ],
)
def test_a_missing_secret_stops_start_up_naming_it(environment, missing) -> None:
    result = import_settings(**environment)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set" in result.stderr


def test_with_every_secret_set_the_settings_load() -> None:
    result = import_settings(**production_environment())

    assert result.returncode == 0, result.stderr
