from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from subgraph_kit.settings import subgraph_settings, tasks_settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-secret-" + "0123456789abcdef" * 3,
    "ROUTER_SHARED_SECRET": "a-router-secret",
    "ALLOWED_HOSTS": "api.example.com",
    "CORS_ALLOWED_ORIGINS": "https://app.example.com",
}


def settings_with(monkeypatch, variables: dict[str, str]) -> dict:
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "ROUTER_SHARED_SECRET",
        "BEHIND_TLS_PROXY",
        "ALLOWED_HOSTS",
        "CORS_ALLOWED_ORIGINS",
        "DATABASE_URL",
        "STATIC_ROOT",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return subgraph_settings(
        service_name="posts", base_dir=Path("/srv/posts"), local_apps=[], env=environ.Env()
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ROUTER_SHARED_SECRET", "ALLOWED_HOSTS", "CORS_ALLOWED_ORIGINS"]
)
def test_debug_off_without_a_required_variable_stops_with_its_name(monkeypatch, missing):
    variables = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}
    with pytest.raises(ImproperlyConfigured, match=missing):
        settings_with(monkeypatch, variables)


@pytest.mark.parametrize(
    "weak_key",
    [
        "x",
        "a-real-secret",
        "a" * 60,
        "django-insecure-" + "0123456789abcdef" * 3,
    ],
    ids=["one character", "short", "few distinct characters", "django's insecure prefix"],
)
def test_debug_off_with_a_weak_secret_key_stops_naming_it(monkeypatch, weak_key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be a random value"):
        settings_with(monkeypatch, {**PRODUCTION_ENV, "SECRET_KEY": weak_key})


def test_debug_on_accepts_a_weak_key_and_no_router_secret(monkeypatch):
    settings = settings_with(monkeypatch, {"DEBUG": "true", "SECRET_KEY": "x"})
    assert settings["SECRET_KEY"] == "x"
    assert settings["ROUTER_SHARED_SECRET"] == ""


def test_the_previous_router_secret_is_optional_and_read_during_a_rotation(monkeypatch):
    monkeypatch.delenv("ROUTER_SHARED_SECRET_PREVIOUS", raising=False)
    assert settings_with(monkeypatch, PRODUCTION_ENV)["ROUTER_SHARED_SECRET_PREVIOUS"] == ""
    rotating = {**PRODUCTION_ENV, "ROUTER_SHARED_SECRET_PREVIOUS": "the-old-secret"}
    settings = settings_with(monkeypatch, rotating)
    assert settings["ROUTER_SHARED_SECRET_PREVIOUS"] == "the-old-secret"


def test_admin_cookies_are_https_only_behind_a_tls_proxy(monkeypatch):
    plain = settings_with(monkeypatch, PRODUCTION_ENV)
    behind_tls = settings_with(monkeypatch, {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "true"})

    assert (plain["SESSION_COOKIE_SECURE"], plain["CSRF_COOKIE_SECURE"]) == (False, False)
    assert (behind_tls["SESSION_COOKIE_SECURE"], behind_tls["CSRF_COOKIE_SECURE"]) == (True, True)
    assert "security.W012" not in behind_tls["SILENCED_SYSTEM_CHECKS"]


def test_debug_on_uses_development_defaults(monkeypatch):
    settings = settings_with(monkeypatch, {"DEBUG": "true"})
    assert settings["DEBUG"] is True
    assert settings["CORS_ALLOW_ALL_ORIGINS"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_sqlite_writers_wait_for_each_other_instead_of_failing(monkeypatch):
    # The service and its task worker write one file: "database is locked" without these.
    options = settings_with(monkeypatch, {"DEBUG": "true"})["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_postgres_uses_the_pool_without_persistent_connections(monkeypatch):
    settings = settings_with(
        monkeypatch, {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db:5432/posts"}
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "subgraph_kit.postgresql"
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    assert "statement_timeout=5000" in database["OPTIONS"]["options"]
    assert settings["CORS_ALLOW_ALL_ORIGINS"] is False


def test_static_files_are_collected_in_the_service_folder_unless_static_root_says(monkeypatch):
    assert settings_with(monkeypatch, PRODUCTION_ENV)["STATIC_ROOT"] == Path(
        "/srv/posts/staticfiles"
    )
    moved = settings_with(monkeypatch, {**PRODUCTION_ENV, "STATIC_ROOT": "/var/static/posts"})
    assert moved["STATIC_ROOT"] == Path("/var/static/posts")
    storage = moved["STORAGES"]["staticfiles"]["BACKEND"]
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def verifier_settings_with(monkeypatch, variables: dict[str, str]) -> dict:
    for name in ("JWT_ALGORITHM", "JWT_PUBLIC_KEY", "JWT_JWKS_URL", "JWT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION_ENV, **variables}.items():
        monkeypatch.setenv(name, value)
    return subgraph_settings(
        service_name="posts",
        base_dir=Path("/srv/posts"),
        local_apps=[],
        env=environ.Env(),
        verification_key_required=True,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [({}, "JWT_PUBLIC_KEY or JWT_JWKS_URL"), ({"JWT_ALGORITHM": "HS256"}, "JWT_SECRET_KEY")],
)
def test_a_verifier_without_its_key_stops_with_the_variable_name(monkeypatch, variables, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        verifier_settings_with(monkeypatch, variables)


@pytest.mark.parametrize(
    "variables",
    [
        {"JWT_JWKS_URL": "https://users.example.com/.well-known/jwks.json"},
        {"JWT_ALGORITHM": "HS256", "JWT_SECRET_KEY": "shared"},
        {"DEBUG": "true"},
    ],
)
def test_a_verifier_with_its_key_or_in_debug_starts(monkeypatch, variables):
    assert verifier_settings_with(monkeypatch, variables)["JWT_VERIFICATION"]


def tasks_environment(**variables: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = variables
    return env


def test_tasks_use_the_database_backend_and_requeue_after_five_minutes_by_default():
    tasks = tasks_settings(tasks_environment())

    assert tasks["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks["TASK_ABANDONED_AFTER_SECONDS"] == 300.0
    assert (
        tasks_settings(tasks_environment(TASK_ABANDONED_AFTER_SECONDS="30"))[
            "TASK_ABANDONED_AFTER_SECONDS"
        ]
        == 30.0
    )


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_task_abandonment_delay_of_zero_or_less_is_refused_by_name(value):
    with pytest.raises(ImproperlyConfigured, match="TASK_ABANDONED_AFTER_SECONDS"):
        tasks_settings(tasks_environment(TASK_ABANDONED_AFTER_SECONDS=value))


def test_earlier_secret_keys_come_from_the_environment(monkeypatch):
    settings = settings_with(
        monkeypatch, {**PRODUCTION_ENV, "SECRET_KEY_FALLBACKS": "older-key-1,older-key-2"}
    )
    assert settings["SECRET_KEY_FALLBACKS"] == ["older-key-1", "older-key-2"]


def test_without_earlier_secret_keys_there_are_none(monkeypatch):
    assert settings_with(monkeypatch, PRODUCTION_ENV)["SECRET_KEY_FALLBACKS"] == []
