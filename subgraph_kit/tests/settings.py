"""Minimal Django settings to test the kit on its own, outside either service."""

import environ

from subgraph_kit.settings import application_settings, logging_settings

SECRET_KEY = "kit-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "tests.urls"
GRAPHQL_APPLICATION = "tests.schema.graphql_application"
# The task apps: the kit's task worker command (subgraph_kit.management.commands.task_worker).
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_tasks",
    "django_tasks_db",
    "subgraph_kit",
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MIDDLEWARE = [
    "subgraph_kit.request_context.RequestObservabilityMiddleware",
    "subgraph_kit.router_secret.RouterSecretMiddleware",
]
# The API's chain as the services have it (subgraph_kit.asgi: every path but the admin's and
# /graphql).
API_MIDDLEWARE = application_settings(service_name="kit", local_apps=[], extra_apps=[])[
    "API_MIDDLEWARE"
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROUTER_SHARED_SECRET = "router-secret-for-tests"
USE_TZ = True
SERVICE_NAME = "kit"

# Production's logging (JSON lines), whatever LOG_FORMAT or LOG_LEVEL the shell has.
_logging_environment = environ.Env()
_logging_environment.ENVIRON = {}
LOGGING = logging_settings(_logging_environment, debug=False, service_name=SERVICE_NAME)["LOGGING"]
