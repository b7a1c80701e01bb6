"""Passwords: how they are hashed, how many hashes run at once, and what a new one must be."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

# Argon2id in bounded memory (accounts.hashers) hashes new passwords and verifies every Argon2
# hash, those made with Django's default parameters included: the `argon2` format is the same.
# Django's own Argon2 hasher must not be listed too, as it would take over the `argon2` hashes,
# unbounded. The others still verify hashes made before. A successful login re-hashes a password
# hashed any other way (another hasher, other parameters) with the first hasher.
PASSWORD_HASHERS = [
    "accounts.hashers.BoundedArgon2PasswordHasher",
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


def password_settings(env: environ.Env) -> dict[str, Any]:
    """The hashers and validators, and ARGON2_CONCURRENCY: how many hashes a process
    runs at once (each holds 19 MiB while it runs; the others wait, see accounts.hashers)."""
    concurrency = env.int("ARGON2_CONCURRENCY", default=2)
    if concurrency < 1:
        raise ImproperlyConfigured(f"ARGON2_CONCURRENCY must be at least 1, not {concurrency}")
    return {
        "PASSWORD_HASHERS": PASSWORD_HASHERS,
        "ARGON2_CONCURRENCY": concurrency,
        "AUTH_PASSWORD_VALIDATORS": AUTH_PASSWORD_VALIDATORS,
    }
