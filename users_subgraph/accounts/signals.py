"""Whatever deletes a user (deleteAccount, the admin, a shell), the purge of their posts is queued.

Sent inside the deletion's transaction (Django's deletion collector sends `post_delete` within
it), so the task row commits with the deletion or not at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.tasks import posts_of_deleted_user_purge


@receiver(post_delete, sender=User, dispatch_uid="accounts.queue_posts_purge_of_deleted_user")
def queue_posts_purge_of_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    posts_of_deleted_user_purge.enqueue(user_id=str(instance.id))
