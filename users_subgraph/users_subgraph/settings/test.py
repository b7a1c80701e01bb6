"""Test settings: the environment-driven settings with test-only overrides.

The suite needs no `.env`: the `subgraph_kit.pytest_environment` plugin (see pyproject.toml) turns
DEBUG on before these settings are read, so development defaults fill in the secrets. Token
signing is pinned to RS256 with a key pair made for this run, whatever `.env` says.
"""

import environ

from subgraph_kit.keys import generate_private_key_pem
from users_subgraph.settings import *  # noqa: F403
from users_subgraph.settings import BASE_DIR, DATABASES, JWT_VERIFICATION
from users_subgraph.settings.rate_limits import rate_limit_settings
from users_subgraph.settings.token_signing import token_signing_settings

_token_environment = environ.Env()
_token_environment.ENVIRON = {
    "JWT_ALGORITHM": "RS256",
    "JWT_PRIVATE_KEY": generate_private_key_pem(),
}
globals().update(
    token_signing_settings(
        _token_environment,
        debug=False,
        base_dir=BASE_DIR,
        verification={
            **JWT_VERIFICATION,
            "issuer": "users-subgraph",
            "audience": "federated-api",
            "leeway_seconds": 0.0,
        },
    )
)

# The default limits, whatever `.env` says; tests of the limits set their own.
_default_environment = environ.Env()
_default_environment.ENVIRON = {}
globals().update(rate_limit_settings(_default_environment))

# A router secret from `.env` would make every test request a 403.
ROUTER_SHARED_SECRET = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than SQLite's shared in-memory database: the race tests' threads need real
    # file locks, and IMMEDIATE transactions make concurrent writers wait instead of failing.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_users_subgraph.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
else:
    # Distinct from the posts service's test database, so both suites can share one server.
    DATABASES["default"]["TEST"] = {"NAME": "test_users_subgraph"}
