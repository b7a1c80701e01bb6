"""Test settings: the environment-driven settings with a few test-only overrides.

The suite needs no `.env`: the `subgraph_kit.pytest_environment` plugin (see pyproject.toml)
turns DEBUG on before these settings are read, so development defaults fill in the secrets.
The suite's conftest points token verification at a per-session test key pair.
"""

from posts_subgraph.settings import *  # noqa: F403
from posts_subgraph.settings import DATABASES

# A router secret from `.env` would make every test request a 403.
ROUTER_SHARED_SECRET = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Distinct from the users service's test database, so both suites can share one server.
    # (SQLite keeps Django's private in-memory test database: a named file would be shared.)
    DATABASES["default"]["TEST"] = {"NAME": "test_posts_subgraph"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve the admin's static files from the apps, as in development: tests run no collectstatic.
WHITENOISE_AUTOREFRESH = True
