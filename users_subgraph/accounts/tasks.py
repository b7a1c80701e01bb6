"""Background tasks of the users service (django-tasks; `manage.py task_worker` runs them).

Enqueued inside the transaction that deletes an account (accounts.services.user_delete): the
task row commits with the deletion or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.utils import timezone
from django_tasks import task

from accounts import posts_client

logger = logging.getLogger(__name__)

# Waits between attempts while the posts service does not answer: 1, 2, 4, ... seconds, then
# this at most, for as long as it takes (docs/security.md, "Account deletion").
PURGE_RETRY_DELAY_MAX_SECONDS = 60


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
