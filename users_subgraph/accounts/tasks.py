"""Background tasks of accounts (django-tasks, run by `manage.py db_worker`): sending mail.

The requests that ask for a message only enqueue one of these with the address as typed
(normalized): looking the account up and talking to the mail server happen here, so a request
for an unknown address does the same work, in the same time, as one for a known address.
"""

from __future__ import annotations

from django_tasks import task

from accounts import emails
from accounts.selectors import user_get_by_email


@task()
def send_verification_email(*, email: str) -> None:
    """Send a verification link to the account with this address, if it is active and not
    verified yet; otherwise nothing (an unknown address gets no message)."""
    user = user_get_by_email(email=email)
    if user is not None and user.is_active and not user.is_verified:
        emails.verification_email_send(user=user)


@task()
def send_password_reset_email(*, email: str) -> None:
    """Send a password reset link to the active account with this address, if any."""
    user = user_get_by_email(email=email)
    if user is not None and user.is_active:
        emails.password_reset_email_send(user=user)
