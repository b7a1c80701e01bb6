"""Whatever deletes a user (deleteAccount, the admin, a shell), the purge of their posts is queued.

Sent inside the deletion's transaction (Django's deletion collector sends `post_delete` within
it), so the task row commits with the deletion or not at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from accounts.tasks import posts_of_deleted_user_purge

# A createPost whose tombstone check passed just before the deletion can insert its post after the
# first purge: a second purge this much later, longer than any request runs (the router gives up
# on a subgraph after 10 s), deletes such a post too.
LATE_PURGE_DELAY = dt.timedelta(minutes=2)


@receiver(post_delete, sender=User, dispatch_uid="accounts.queue_posts_purge_of_deleted_user")
def queue_posts_purge_of_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    posts_of_deleted_user_purge.enqueue(user_id=str(instance.id))
    posts_of_deleted_user_purge.using(run_after=timezone.now() + LATE_PURGE_DELAY).enqueue(
        user_id=str(instance.id)
    )
