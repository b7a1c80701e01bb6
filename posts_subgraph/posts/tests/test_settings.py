"""With DEBUG off, the service refuses to start without its token verification key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "ENV_FILE": os.devnull,
    "SECRET_KEY": "a-real-secret-" + "0123456789abcdef" * 3,
    "ROUTER_SHARED_SECRET": "a-router-secret",
    "ALLOWED_HOSTS": "posts.example.com",
    "CORS_ALLOWED_ORIGINS": "https://app.example.com",
    "DJANGO_SETTINGS_MODULE": "posts_subgraph.settings",
}
LOAD_SETTINGS = "import django; django.setup()"


def load_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("JWT_", "DEBUG", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS],
        cwd=PROJECT_DIR,
        env={**inherited, **PRODUCTION_ENV, **variables},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({}, "JWT_PUBLIC_KEY or JWT_JWKS_URL"),
        ({"JWT_ALGORITHM": "HS256"}, "JWT_SECRET_KEY"),
    ],
)
def test_debug_off_without_a_verification_key_stops_naming_it(variables, named):
    result = load_settings(**variables)

    assert result.returncode != 0
    assert f"{named} must be set in the environment when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {"JWT_JWKS_URL": "https://users.example.com/.well-known/jwks.json"},
        {"JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\\n...\\n-----END PUBLIC KEY-----"},
        {"JWT_ALGORITHM": "HS256", "JWT_SECRET_KEY": "a-shared-secret"},
    ],
)
def test_debug_off_starts_with_a_verification_key(variables):
    result = load_settings(**variables)

    assert result.returncode == 0, result.stderr
