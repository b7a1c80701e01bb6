"""Settings of the users subgraph, read from the environment (docs/configuration.md).

What the subgraphs share (core, apps, database, static files, CORS, logging) comes from
`subgraph_kit.settings`; this module adds the user model, password rules, token signing and the
rate limits of the authentication mutations.
"""

from pathlib import Path

from subgraph_kit.settings import load_environment, subgraph_settings
from users_subgraph.settings.rate_limits import rate_limit_settings
from users_subgraph.settings.token_signing import token_signing_settings

BASE_DIR = Path(__file__).resolve().parents[2]

_env = load_environment()
_shared = subgraph_settings(
    service_name="users",
    base_dir=BASE_DIR,
    local_apps=["accounts"],
    # simplejwt also needs djangorestframework installed, but not as an app: no DRF view is used.
    extra_apps=["rest_framework_simplejwt.token_blacklist"],
    env=_env,
)
globals().update(_shared)
globals().update(
    token_signing_settings(
        _env,
        debug=_shared["DEBUG"],
        base_dir=BASE_DIR,
        verification=_shared["JWT_VERIFICATION"],
    )
)
globals().update(rate_limit_settings(_env))

AUTH_USER_MODEL = "accounts.User"

# Argon2 hashes new passwords; the others still verify hashes made before (and are upgraded).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    # At most 128 characters.
    {"NAME": "accounts.validators.MaximumLengthValidator"},
    {"NAME": "accounts.validators.NotOnlyWhitespaceValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
