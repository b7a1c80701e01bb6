"""Django settings shared by the subgraphs, read from the environment and grouped by topic.

A service's settings module calls `subgraph_settings(...)` and adds what only it needs:

    globals().update(subgraph_settings(service_name="posts", base_dir=BASE_DIR, local_apps=[...]))

Locally the variables come from the repository's `.env.development` (written by `make up`, see
`.env.example`; ENV_FILE names another file); real environment variables win over the file. The
root `.env` is docker compose's, never read here. With DEBUG off, a missing secret stops start-up
with its name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import environ
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

REPO_ROOT = Path(__file__).resolve().parents[2]
INSECURE_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105
LOG_FORMATS = ("json", "text")
# The one handler every log line goes through (subgraph_kit.testing.captured_logs swaps its stream).
CONSOLE_LOG_HANDLER = "console"


def load_environment() -> environ.Env:
    """The process environment, completed (never overridden) by the development file if any."""
    env_file = Path(os.environ.get("ENV_FILE", REPO_ROOT / ".env.development"))
    if env_file.is_file():
        environ.Env.read_env(env_file, overwrite=False)
    return environ.Env()


def required(env: environ.Env, name: str, *, debug: bool, development_default: Any) -> Any:
    """A setting that must come from the environment in production; a default in development."""
    value = env.str(name, default="")
    if value:
        return value
    if debug:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off")


def pem_from_env(value: str | None) -> str | None:
    # PEM keys are multi-line; one-line `\n`-escaped values keep .env files and CI secrets simple.
    return value.replace("\\n", "\n") if value else None


def is_strong_secret_key(secret_key: str) -> bool:
    """Django's own criteria for check W009 (its public thresholds; the check itself is private)."""
    return (
        len(secret_key) >= SECRET_KEY_MIN_LENGTH
        and len(set(secret_key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not secret_key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def strong_secret_key(env: environ.Env, *, debug: bool) -> str:
    """SECRET_KEY; with DEBUG off it must pass Django's own test of a strong key (check W009).

    The key signs the admin's sessions and keys the rate-limit counters' hashes: a short or
    guessable one would let anyone forge a staff session.
    """
    secret_key = required(
        env, "SECRET_KEY", debug=debug, development_default=INSECURE_DEVELOPMENT_SECRET_KEY
    )
    if not debug and not is_strong_secret_key(secret_key):
        raise ImproperlyConfigured(
            f"SECRET_KEY must be a random value of at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, when DEBUG is off "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))")'
        )
    return secret_key


def core_settings(env: environ.Env, *, debug: bool, service_name: str) -> dict[str, Any]:
    return {
        "DEBUG": debug,
        "SECRET_KEY": strong_secret_key(env, debug=debug),
        # Earlier keys, still accepted for what they signed (mailed links, admin sessions)
        # while a rotation settles: comma-separated, newest first (docs/security.md).
        "SECRET_KEY_FALLBACKS": env.list("SECRET_KEY_FALLBACKS", default=[]),
        "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS", default=[])
        or _development_only(debug, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"]),
        "SERVICE_NAME": service_name,
        # Shared with the router, which sends it on every subgraph request (router_secret.py).
        # Without it a subgraph answers anyone who reaches it: allowed in development only.
        "ROUTER_SHARED_SECRET": required(
            env, "ROUTER_SHARED_SECRET", debug=debug, development_default=""
        ),
        # During a rotation only: the secret the router may still send until it is recreated.
        "ROUTER_SHARED_SECRET_PREVIOUS": env.str("ROUTER_SHARED_SECRET_PREVIOUS", default=""),
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "CSRF_TRUSTED_ORIGINS": env.list("CSRF_TRUSTED_ORIGINS", default=[]),
        **transport_security_settings(env),
    }


def transport_security_settings(env: environ.Env) -> dict[str, Any]:
    """HTTPS settings for a service only the router (GraphQL) and operators (admin) reach.

    TLS, if any, ends at a proxy in front of the stack; its scheme header is trusted only when
    BEHIND_TLS_PROXY says there is one. Then the admin's cookies are sent over HTTPS only.
    Without one, the admin is reached over plain HTTP on the internal network or a loopback port
    (docs: Deploy, Administration), where Secure cookies would make logging in impossible.
    """
    behind_tls_proxy = env.bool("BEHIND_TLS_PROXY", default=False)
    # Reasons for the `manage.py check --deploy` warnings that do not apply here:
    # W004 (HSTS) and W008 (HTTPS redirect): the router calls subgraphs over plain HTTP on the
    # internal network, so a redirect would break every call, and HSTS is a policy of the public
    # host name, set by the TLS-terminating proxy that owns it.
    silenced_checks = ["security.W004", "security.W008"]
    if not behind_tls_proxy:
        # W012/W016 (Secure session and CSRF cookies): no HTTPS to send them over (above).
        silenced_checks += ["security.W012", "security.W016"]
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")
        if behind_tls_proxy
        else None,
        "SESSION_COOKIE_SECURE": behind_tls_proxy,
        "CSRF_COOKIE_SECURE": behind_tls_proxy,
        "SILENCED_SYSTEM_CHECKS": silenced_checks,
    }


def _development_only(debug: bool, name: str, development_default: Any) -> Any:
    if debug:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off")


def application_settings(
    *, service_name: str, local_apps: list[str], extra_apps: list[str]
) -> dict[str, Any]:
    return {
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "whitenoise.runserver_nostatic",
            "django.contrib.staticfiles",
            "corsheaders",
            # Counts each request's database queries (subgraph_kit.apps).
            "subgraph_kit",
            *extra_apps,
            *local_apps,
            # Last, so a service's own `export_schema` command (no arguments: the subgraph SDL)
            # wins over strawberry_django's command of the same name.
            "strawberry_django",
        ],
        "MIDDLEWARE": [
            # First: the request id, log line and metrics cover every response, refusals too.
            "subgraph_kit.request_context.RequestObservabilityMiddleware",
            "subgraph_kit.router_secret.RouterSecretMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "corsheaders.middleware.CorsMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        # Every path but the admin's and /graphql (subgraph_kit.asgi; /graphql has the same
        # checks as ASGI layers, subgraph_kit.graphql_endpoint): the same checks and headers,
        # without the admin's sessions, authentication, messages, CSRF and static files, and
        # without thread hops (subgraph_kit.middleware).
        "API_MIDDLEWARE": [
            "subgraph_kit.request_context.RequestObservabilityMiddleware",
            "subgraph_kit.router_secret.RouterSecretMiddleware",
            "subgraph_kit.middleware.SecurityMiddleware",
            "corsheaders.middleware.CorsMiddleware",
            "subgraph_kit.middleware.CommonMiddleware",
            "subgraph_kit.middleware.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": f"{service_name}_subgraph.urls",
        "ASGI_APPLICATION": f"{service_name}_subgraph.asgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
    }


def database_settings(env: environ.Env, *, base_dir: Path, service_name: str) -> dict[str, Any]:
    """SQLite file by default; PostgreSQL through psycopg 3 and Django's connection pool."""
    sqlite_file = base_dir / f"{service_name}.sqlite3"
    database = env.db_url("DATABASE_URL", default=f"sqlite:///{sqlite_file}")
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Pooled, not persistent: CONN_MAX_AGE must stay 0 with the pool. Persistent connections
        # under uvicorn leak one connection per thread until PostgreSQL refuses clients.
        database["CONN_MAX_AGE"] = 0
        # A pooled connection outlives a database restart without noticing. With health checks
        # Django has the pool check it (one empty query) before each use: a dead one is replaced
        # instead of failing a request. The kit's backend is Django's, with one change: a failed
        # check sweeps every idle connection at once (subgraph_kit/postgresql/base.py says why).
        database["CONN_HEALTH_CHECKS"] = True
        database["ENGINE"] = "subgraph_kit.postgresql"
        options = database.setdefault("OPTIONS", {})
        options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT_SECONDS", default=5.0),
            # psycopg_pool retries a failed connection with a doubling delay until this much time
            # has passed (300 s by default); while such a retry sleeps, the pool starts no other,
            # so after an outage requests could time out long after the database is back.
            "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT_SECONDS", default=10.0),
        }
        options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT_SECONDS", default=5)
        statement_timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=5000)
        options["options"] = f"-c statement_timeout={statement_timeout_ms}"
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # Two processes write one SQLite file: the service and its task worker. A transaction
        # that starts reading and then writes cannot wait for the other's lock (SQLite fails it
        # at once with "database is locked"); IMMEDIATE takes the write lock at BEGIN, where
        # SQLite does wait, up to `timeout` seconds: under the router's subgraph timeout (10 s),
        # so a write that waited too long fails rather than commit after the client gave up.
        # WAL lets readers go on while one writes.
        options = database.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 8)
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    return {"DATABASES": {"default": database}}


def static_files_settings(*, base_dir: Path, debug: bool, static_root: str = "") -> dict[str, Any]:
    # WhiteNoise serves the admin's CSS with DEBUG off; the manifest (hashed names, long cache)
    # needs `collectstatic`, which images run at build time and `make up` runs before starting.
    # `static_root` (STATIC_ROOT) moves the collected files out of the service folder.
    storage = (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not debug
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    return {
        "STATIC_URL": "static/",
        "STATIC_ROOT": Path(static_root) if static_root else base_dir / "staticfiles",
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": storage},
        },
    }


def cors_settings(env: environ.Env, *, debug: bool) -> dict[str, Any]:
    origins = env.list("CORS_ALLOWED_ORIGINS", default=[])
    if not origins and not debug:
        raise ImproperlyConfigured(
            "CORS_ALLOWED_ORIGINS must be set in the environment when DEBUG is off"
        )
    return {
        "CORS_ALLOWED_ORIGINS": origins,
        "CORS_ALLOW_ALL_ORIGINS": debug and not origins,
        "CORS_ALLOW_HEADERS": ["authorization", "content-type", "x-request-id"],
    }


def jwt_verification_settings(env: environ.Env) -> dict[str, Any]:
    """How this service verifies access tokens (see subgraph_kit.tokens)."""
    return {
        "JWT_VERIFICATION": {
            "algorithm": env.str("JWT_ALGORITHM", default="RS256"),
            "issuer": env.str("JWT_ISSUER", default="users-subgraph"),
            "audience": env.str("JWT_AUDIENCE", default="federated-api"),
            "secret_key": env.str("JWT_SECRET_KEY", default="") or None,
            "public_key": pem_from_env(env.str("JWT_PUBLIC_KEY", default="")),
            "jwks_url": env.str(
                "JWT_JWKS_URL", default="http://127.0.0.1:4001/.well-known/jwks.json"
            ),
            "leeway_seconds": env.float("JWT_LEEWAY_SECONDS", default=0.0),
            # The router reads the same variable: both drop a key the JWKS no longer lists.
            "jwks_refresh_seconds": env.float("JWT_JWKS_REFRESH_SECONDS", default=60.0),
        }
    }


def require_verification_key(env: environ.Env, *, debug: bool) -> None:
    """Stop start-up when a token-verifying service was not told where the verification key is.

    The JWKS URL's localhost default suits development only: in production a service that verifies
    tokens (and signs none) must be configured explicitly, or every request would fail later.
    """
    if debug:
        return
    if env.str("JWT_ALGORITHM", default="RS256").startswith("HS"):
        variables = ["JWT_SECRET_KEY"]
    else:
        variables = ["JWT_PUBLIC_KEY", "JWT_JWKS_URL"]
    if not any(env.str(name, default="") for name in variables):
        raise ImproperlyConfigured(
            f"{' or '.join(variables)} must be set in the environment when DEBUG is off"
        )


def logging_settings(env: environ.Env, *, debug: bool, service_name: str) -> dict[str, Any]:
    """Every log line of the process on stderr, with the service's name and the request id.

    One JSON object per line with DEBUG off (for log collectors), readable text with DEBUG on;
    LOG_FORMAT (json or text) overrides that, LOG_LEVEL sets the level. Django's, Strawberry's and
    uvicorn's loggers all write through the one handler, so their lines carry the same fields.
    """
    level = env.str("LOG_LEVEL", default="INFO")
    log_format = env.str("LOG_FORMAT", default="text" if debug else "json")
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    return {
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "request_context": {
                    "()": "subgraph_kit.request_context.RequestContextFilter",
                    "service": service_name,
                }
            },
            "formatters": {
                "json": {
                    "()": "pythonjsonlogger.json.JsonFormatter",
                    "fmt": "%(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
                    "rename_fields": {"levelname": "level", "name": "logger"},
                    "timestamp": True,
                    # Attributes some libraries add that are no use in a line: uvicorn's
                    # colourised message, Django's request object.
                    "reserved_attrs": [*RESERVED_ATTRS, "color_message", "request"],
                },
                "text": {
                    "format": "%(asctime)s %(levelname)s %(service)s %(request_id)s "
                    "%(name)s: %(message)s"
                },
            },
            "handlers": {
                CONSOLE_LOG_HANDLER: {
                    "class": "logging.StreamHandler",
                    "formatter": log_format,
                    "filters": ["request_context"],
                }
            },
            "root": {"handlers": [CONSOLE_LOG_HANDLER], "level": level},
            "loggers": {
                # Django's default handlers would print its lines a second time, unformatted.
                "django": {"handlers": [], "propagate": True},
                # With DEBUG on, Django records every SQL statement with its parameters: password
                # hashes, refresh tokens (the token blacklist). Never written, whatever the level.
                "django.db.backends": {"level": "INFO"},
                # Strawberry's own logger would print every client error with a traceback;
                # SubgraphSchema logs errors itself.
                "strawberry.execution": {"level": "CRITICAL"},
                # uvicorn set up its own handlers before Django started: through ours instead.
                "uvicorn": {"handlers": [], "propagate": True},
                # The middleware's request line replaces the access log: it has the request id,
                # the GraphQL operation and its outcome, which uvicorn's line cannot have.
                "uvicorn.access": {"handlers": [], "propagate": False},
            },
        }
    }


def email_settings(env: environ.Env, *, debug: bool) -> dict[str, Any]:
    """Django's email settings: SMTP to EMAIL_HOST, or with DEBUG on and no EMAIL_HOST the console.

    With DEBUG off a service that sends mail needs EMAIL_HOST and DEFAULT_FROM_EMAIL: a message
    nobody receives would fail silently, long after start-up. TLS (STARTTLS) and SSL (implicit
    TLS, usually port 465) exclude each other, as in Django.
    """
    host = env.str("EMAIL_HOST", default="")
    if not host:
        if not debug:
            raise ImproperlyConfigured(
                "EMAIL_HOST must be set in the environment when DEBUG is off"
            )
        # The development default: each message is printed in the service's output (`make up`).
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DEFAULT_FROM_EMAIL": env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost"),
        }
    use_tls = env.bool("EMAIL_USE_TLS", default=False)
    use_ssl = env.bool("EMAIL_USE_SSL", default=False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
    timeout = env.float("EMAIL_TIMEOUT", default=10.0)
    if timeout <= 0:
        raise ImproperlyConfigured(
            f"EMAIL_TIMEOUT must be a number of seconds above 0, not {timeout}"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": env.int("EMAIL_PORT", default=587 if use_tls else 465 if use_ssl else 25),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", default=""),
        "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", default=""),
        "EMAIL_TIMEOUT": timeout,
        "DEFAULT_FROM_EMAIL": required(
            env, "DEFAULT_FROM_EMAIL", debug=debug, development_default="webmaster@localhost"
        ),
    }


# The apps of background tasks: the backport of Django 6's tasks framework and its database
# backend (its queue is a table of the service's own database).
TASKS_APPS = ["django_tasks", "django_tasks_db"]


def tasks_settings(env: environ.Env) -> dict[str, Any]:
    """Background tasks through django-tasks' database backend (add TASKS_APPS to the apps).

    A task is a row of the service's own database, written by `enqueue` in the caller's
    transaction: it is queued if and only if the writes around it commit. `manage.py task_worker`
    runs them (subgraph_kit.tasks). A task still running after TASK_ABANDONED_AFTER_SECONDS is
    taken for one whose worker died (killed, machine lost) and is queued again: longer than any
    task runs, so tasks must be idempotent.
    """
    abandoned_after = env.float("TASK_ABANDONED_AFTER_SECONDS", default=300.0)
    if abandoned_after <= 0:
        raise ImproperlyConfigured("TASK_ABANDONED_AFTER_SECONDS must be above zero")
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "TASK_ABANDONED_AFTER_SECONDS": abandoned_after,
    }


UNIT_SECONDS = {
    **dict.fromkeys(["s", "sec", "secs", "second", "seconds"], 1),
    **dict.fromkeys(["m", "min", "mins", "minute", "minutes"], 60),
    **dict.fromkeys(["h", "hour", "hours"], 3600),
    **dict.fromkeys(["d", "day", "days"], 86400),
}
RATE = re.compile(r"(?P<count>\d+)\s*/\s*(?P<multiple>\d*)\s*(?P<unit>[a-z]+)")


def parse_rate(name: str, value: str) -> dict[str, int] | None:
    """`{"count": ..., "window_seconds": ...}` for `<count>/<period>`; None for `off`."""
    text = value.strip().lower()
    if text == "off":
        return None
    match = RATE.fullmatch(text)
    unit_seconds = UNIT_SECONDS.get(match["unit"]) if match else None
    if match is None or unit_seconds is None:
        raise ImproperlyConfigured(
            f"{name} must look like 20/min, 5/15min, 50/h or 100/d (or be off), not {value!r}"
        )
    count, multiple = int(match["count"]), int(match["multiple"] or 1)
    if count < 1 or multiple < 1:
        raise ImproperlyConfigured(f"{name} needs a count and a period above zero, not {value!r}")
    return {"count": count, "window_seconds": multiple * unit_seconds}


def rate_limit_settings(
    env: environ.Env, *, default_rates: dict[str, str], counter_model: str
) -> dict[str, Any]:
    """RATE_LIMITS, one RATE_LIMIT_<name> variable per limit (`<count>/<period>` or `off`), and
    the service's counter model (subgraph_kit.rate_limits)."""
    return {
        "RATE_LIMITS": {
            name: parse_rate(f"RATE_LIMIT_{name}", env.str(f"RATE_LIMIT_{name}", default=default))
            for name, default in default_rates.items()
        },
        "RATE_LIMIT_COUNTER_MODEL": counter_model,
    }


def subgraph_settings(
    *,
    service_name: str,
    base_dir: Path,
    local_apps: list[str],
    extra_apps: list[str] | None = None,
    env: environ.Env | None = None,
    verification_key_required: bool = False,
) -> dict[str, Any]:
    """Every setting a subgraph shares with the others, as module-level names.

    `verification_key_required`: the service only verifies tokens, so with DEBUG off its key
    (JWT_PUBLIC_KEY or JWT_JWKS_URL; JWT_SECRET_KEY for HS*) must come from the environment.
    """
    env = env or load_environment()
    debug = env.bool("DEBUG", default=False)
    if verification_key_required:
        require_verification_key(env, debug=debug)
    return {
        **core_settings(env, debug=debug, service_name=service_name),
        **application_settings(
            service_name=service_name, local_apps=local_apps, extra_apps=extra_apps or []
        ),
        **database_settings(env, base_dir=base_dir, service_name=service_name),
        **static_files_settings(
            base_dir=base_dir, debug=debug, static_root=env.str("STATIC_ROOT", default="")
        ),
        **cors_settings(env, debug=debug),
        **jwt_verification_settings(env),
        **logging_settings(env, debug=debug, service_name=service_name),
    }
