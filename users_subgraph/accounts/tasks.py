"""Background tasks of the users service (django-tasks; `manage.py task_worker` runs them).

- Mail: the requests that ask for a message only enqueue one of these with the address as typed
  (normalized): looking the account up and talking to the mail server happen here, so a request
  for an unknown address does the same work, in the same time, as one for a known address.
- The purge of a deleted account's posts: enqueued inside the transaction that deletes the
  account (accounts.services.user_delete), so the task row commits with the deletion or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.utils import timezone
from django_tasks import task

from accounts import emails, posts_client
from accounts.selectors import user_get_by_email

logger = logging.getLogger(__name__)

# Waits between attempts while the posts service does not answer: 1, 2, 4, ... seconds, then
# this at most, for as long as it takes (docs/security.md, "Account deletion").
PURGE_RETRY_DELAY_MAX_SECONDS = 60


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


def purge_retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after the failed attempt number `attempt` (0 for the first)."""
    return dt.timedelta(seconds=min(2 ** min(attempt, 16), PURGE_RETRY_DELAY_MAX_SECONDS))


@task()
def posts_of_deleted_user_purge(user_id: str, attempt: int = 0) -> int:
    """Delete every post of a deleted account in the posts service; the number deleted.

    Idempotent (posts deletes what is left, if anything), so running it again is always safe: after
    a failure, and after a worker died while running it (subgraph_kit.tasks). When posts does not
    answer, the next attempt is queued with a growing delay before this one fails.
    """
    try:
        deleted = posts_client.deleted_user_posts_purge(user_id=uuid.UUID(user_id))
    except posts_client.PostsServiceUnavailable:
        delay = purge_retry_delay(attempt)
        posts_of_deleted_user_purge.using(run_after=timezone.now() + delay).enqueue(
            user_id=user_id, attempt=attempt + 1
        )
        logger.warning(
            "Purging the posts of deleted user %s failed (attempt %d); retrying in %d s",
            user_id,
            attempt + 1,
            delay.total_seconds(),
        )
        raise
    logger.info("Purged %d post(s) of deleted user %s", deleted, user_id)
    return deleted
