"""The single-use tokens mailed in links: email verification and password reset.

Both are Django's own (PasswordResetTokenGenerator): an HMAC with SECRET_KEY (SECRET_KEY_FALLBACKS
still verify during a key rotation) over the user's state and the time the token was made, so
nothing is stored and a token dies when the state it was made from changes:
- a reset token hashes the password and email (Django's choice): once the password changes,
  by this reset or any other way, every reset token made before is refused;
- a verification token hashes the email and `is_verified`: once the address is verified, or
  replaced, it is refused.

A client sees one opaque string, `<uid>.<token>`: the user's UUID (16 bytes, URL-safe base64) and
Django's token (`<timestamp>-<hmac>`). Every part is URL-safe, so it goes into a link as it is.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User

TOKEN_SEPARATOR = "."  # noqa: S105 (not a secret)


class _TimedTokenGenerator(PasswordResetTokenGenerator):
    """Django's generator with the lifetime read from `timeout_setting`, not always from
    PASSWORD_RESET_TIMEOUT (Django's check_token reads that one setting)."""

    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        timestamp_b36, _, _ = token.partition("-")
        try:
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age_seconds = self._num_seconds(self._now()) - timestamp
        return age_seconds <= getattr(settings, self.timeout_setting)


class PasswordResetTokens(_TimedTokenGenerator):
    """Django's reset tokens (its key salt and hash value), PASSWORD_RESET_TIMEOUT long."""


class EmailVerificationTokens(_TimedTokenGenerator):
    key_salt = "accounts.link_tokens.EmailVerificationTokens"
    timeout_setting = "ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.is_verified}{timestamp}"


password_reset_tokens = PasswordResetTokens()
email_verification_tokens = EmailVerificationTokens()


def link_token_make(*, user: User, tokens: PasswordResetTokenGenerator) -> str:
    uid = urlsafe_base64_encode(user.pk.bytes)
    return f"{uid}{TOKEN_SEPARATOR}{tokens.make_token(user)}"


def link_token_user_id(token: str) -> uuid.UUID | None:
    """The user id a link token names, without checking it; None when it names none."""
    uid, separator, _ = token.partition(TOKEN_SEPARATOR)
    if not separator:
        return None
    try:
        return uuid.UUID(bytes=urlsafe_base64_decode(uid))
    except ValueError:
        return None


def link_token_is_valid(*, user: User, token: str, tokens: PasswordResetTokenGenerator) -> bool:
    """Whether `token` was made for `user` as they are now, and has not expired."""
    _, _, user_token = token.partition(TOKEN_SEPARATOR)
    return link_token_user_id(token) == user.pk and tokens.check_token(user, user_token)
