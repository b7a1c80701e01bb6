"""Settings of the Django floors: Django itself, nothing above it (no app, no middleware, no
database), so what the subgraphs add (the kit's middleware, logging, metrics, the ORM) is not
counted in the floor."""

import secrets

DEBUG = False
# Nothing is signed: a fresh key per process.
SECRET_KEY = secrets.token_urlsafe(40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
ROOT_URLCONF = "bench.floors.django_app"
USE_TZ = True
