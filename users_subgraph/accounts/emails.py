"""The account messages: what they say, where their links point, and how a failed send shows.

Called by the tasks (accounts.tasks), never on a request: the SMTP exchange takes its time, which
would tell a client whether an account exists (docs/security.md).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string

from accounts.link_tokens import email_verification_tokens, link_token_make, password_reset_tokens
from accounts.models import User
from subgraph_kit.metrics import record_email

logger = logging.getLogger(__name__)

# The frontend's pages that take the token (examples/web serves both).
VERIFY_EMAIL_PATH = "/verify-email"
RESET_PASSWORD_PATH = "/reset-password"  # noqa: S105 (a path)


def verification_email_send(*, user: User) -> None:
    _send(
        user=user,
        kind="verification",
        template="verification",
        link=_link(VERIFY_EMAIL_PATH, user=user, tokens=email_verification_tokens),
        valid_for_seconds=settings.ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS,
    )


def password_reset_email_send(*, user: User) -> None:
    _send(
        user=user,
        kind="password_reset",
        template="password_reset",
        link=_link(RESET_PASSWORD_PATH, user=user, tokens=password_reset_tokens),
        valid_for_seconds=settings.PASSWORD_RESET_TIMEOUT,
    )


class EmailNotSent(Exception):
    """A message the mail server did not take; says which, never to whom."""


def _link(path: str, *, user: User, tokens: PasswordResetTokenGenerator) -> str:
    token = link_token_make(user=user, tokens=tokens)
    return f"{settings.FRONTEND_BASE_URL}{path}?{urlencode({'token': token})}"


def _send(*, user: User, kind: str, template: str, link: str, valid_for_seconds: int) -> None:
    """Send one message; a failure is logged (by user id: logs hold no addresses), counted in
    `subgraph_emails{outcome="failed"}` and raised again, so the task is recorded as failed."""
    context = {"link": link, "valid_for": duration_text(valid_for_seconds)}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    except Exception as error:
        record_email(kind=kind, sent=False)
        # Only the error's type: its text can hold the address (smtplib's refused-recipient
        # error is a dict keyed by it), and the task framework logs what is raised here too.
        logger.warning(
            "Sending the %s email of user %s failed: %s", kind, user.pk, type(error).__name__
        )
        raise EmailNotSent(f"{kind} email of user {user.pk}: {type(error).__name__}") from None
    record_email(kind=kind, sent=True)
    logger.info("Sent the %s email of user %s", kind, user.pk)


def duration_text(seconds: int) -> str:
    """`3 days`, `1 hour`, `90 minutes`: the largest unit the duration is a whole number of."""
    for unit, unit_seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= unit_seconds and seconds % unit_seconds == 0:
            count = seconds // unit_seconds
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
