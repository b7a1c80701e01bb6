"""Minimal Django settings to test the kit on its own, outside either service."""

SECRET_KEY = "kit-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "tests.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
MIDDLEWARE = ["subgraph_kit.router_secret.RouterSecretMiddleware"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROUTER_SHARED_SECRET = "router-secret-for-tests"
USE_TZ = True
