"""Account mail: the verification policy, how long mailed links live, and where they point.

How mail is sent (SMTP or, in development, the console) is the kit's `email_settings`; the
messages themselves are accounts.emails.
"""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

# django-allauth's names: `none` never asks for verification; `optional` sends the message at
# signup but lets unverified accounts log in; `mandatory` refuses them tokens until verified.
EMAIL_VERIFICATION_POLICIES = ("none", "optional", "mandatory")
DEVELOPMENT_FRONTEND_BASE_URL = "http://127.0.0.1:5173"
DEFAULT_VERIFICATION_TIMEOUT_SECONDS = 3 * 24 * 3600
# Django's own default (PASSWORD_RESET_TIMEOUT).
DEFAULT_PASSWORD_RESET_TIMEOUT_SECONDS = 3 * 24 * 3600


def account_email_settings(env: environ.Env, *, debug: bool) -> dict[str, Any]:
    policy = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional").strip().lower()
    if policy not in EMAIL_VERIFICATION_POLICIES:
        raise ImproperlyConfigured(
            f"ACCOUNT_EMAIL_VERIFICATION must be one of {', '.join(EMAIL_VERIFICATION_POLICIES)}, "
            f"not {policy!r}"
        )
    frontend_base_url = env.str("FRONTEND_BASE_URL", default="").strip().rstrip("/")
    if not frontend_base_url:
        # Password reset links always go out, so production needs it whatever the policy.
        if not debug:
            raise ImproperlyConfigured(
                "FRONTEND_BASE_URL must be set in the environment when DEBUG is off"
            )
        frontend_base_url = DEVELOPMENT_FRONTEND_BASE_URL
    if not frontend_base_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"FRONTEND_BASE_URL must start with https:// or http://, not {frontend_base_url!r}"
        )
    return {
        "ACCOUNT_EMAIL_VERIFICATION": policy,
        "ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS": _positive_seconds(
            env, "ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS", DEFAULT_VERIFICATION_TIMEOUT_SECONDS
        ),
        "PASSWORD_RESET_TIMEOUT": _positive_seconds(
            env, "PASSWORD_RESET_TIMEOUT_SECONDS", DEFAULT_PASSWORD_RESET_TIMEOUT_SECONDS
        ),
        "FRONTEND_BASE_URL": frontend_base_url,
    }


def _positive_seconds(env: environ.Env, name: str, default: int) -> int:
    seconds = env.int(name, default=default)
    if seconds < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1 second, not {seconds}")
    return seconds
