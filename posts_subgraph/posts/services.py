"""Writes to posts and their rules: titles and descriptions are validated, only a post's owner
changes it, and each user's creations and updates are rate limited (posts.rate_limits). A user
the users service has deleted is recorded (a tombstone) and their posts are purged in batches.

Services are synchronous and transactional (Django's async ORM cannot run inside
`transaction.atomic`); async resolvers call them through `sync_to_async`. An attempt is counted
before its transaction starts, so that it stays counted when the write fails.
"""

from __future__ import annotations

import enum
import uuid
from typing import Final, Literal

from django.db import transaction

from posts.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, DeletedUser, Post
from posts.rate_limits import POST_CREATE_PER_USER, POST_UPDATE_PER_USER
from subgraph_kit import rate_limits
from subgraph_kit.errors import BadUserInput, NotFound, Unauthenticated

# Rows deleted per transaction by a purge: short transactions (no long lock, no huge rollback),
# and a purge interrupted by a crash keeps every batch it committed.
PURGE_BATCH_SIZE = 500
DELETED_USER_MESSAGE = "The account of this access token has been deleted"


class _Unchanged(enum.Enum):
    UNCHANGED = enum.auto()


# A field left out of a partial update; distinct from None, which clears a nullable field.
UNCHANGED: Final = _Unchanged.UNCHANGED
Unchanged = Literal[_Unchanged.UNCHANGED]


def clean_title(title: str | None) -> str:
    """The title as stored: trimmed, 1 to TITLE_MAX_LENGTH characters."""
    cleaned = (title or "").strip()
    if not cleaned:
        raise BadUserInput("Title must not be empty")
    if len(cleaned) > TITLE_MAX_LENGTH:
        raise BadUserInput(f"Title must be at most {TITLE_MAX_LENGTH} characters")
    return cleaned


def clean_description(description: str | None) -> str | None:
    """The description as stored (None: no description), at most DESCRIPTION_MAX_LENGTH long."""
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        raise BadUserInput(f"Description must be at most {DESCRIPTION_MAX_LENGTH} characters")
    return description


def post_create(*, user_id: uuid.UUID, title: str, description: str | None = None) -> Post:
    """A new post of `user_id`; refused when the users service has deleted the account, whose
    access tokens stay valid until they expire."""
    with rate_limits.attempt(counted_always=[POST_CREATE_PER_USER.quota(str(user_id))]):
        if DeletedUser.objects.filter(user_id=user_id).exists():
            raise Unauthenticated(DELETED_USER_MESSAGE)
        return Post.objects.create(
            user_id=user_id, title=clean_title(title), description=clean_description(description)
        )


def post_update(
    *,
    post_id: uuid.UUID,
    user_id: uuid.UUID,
    title: str | Unchanged | None = UNCHANGED,
    description: str | Unchanged | None = UNCHANGED,
) -> Post:
    """Change the given fields of `user_id`'s post (a None title is invalid like an empty one).

    A missing post and someone else's are both NOT_FOUND, so ids of others' posts leak nothing.
    """
    with rate_limits.attempt(counted_always=[POST_UPDATE_PER_USER.quota(str(user_id))]):
        return _post_update(post_id=post_id, user_id=user_id, title=title, description=description)


@transaction.atomic
def _post_update(
    *,
    post_id: uuid.UUID,
    user_id: uuid.UUID,
    title: str | Unchanged | None,
    description: str | Unchanged | None,
) -> Post:
    changes: dict[str, str | None] = {}
    if title is not UNCHANGED:
        changes["title"] = clean_title(title)
    if description is not UNCHANGED:
        changes["description"] = clean_description(description)
    # The row lock serialises concurrent updates of one post: each returns a state it committed.
    try:
        post = Post.objects.select_for_update().get(id=post_id, user_id=user_id)
    except Post.DoesNotExist:
        raise NotFound("Post not found") from None
    if changes:
        for field, value in changes.items():
            setattr(post, field, value)
        post.save(update_fields=list(changes))
    return post


def post_delete(*, post_id: uuid.UUID, user_id: uuid.UUID) -> uuid.UUID:
    """Delete `user_id`'s post and return its id; a missing or someone else's post is NOT_FOUND."""
    deleted_count, _ = Post.objects.filter(id=post_id, user_id=user_id).delete()
    if deleted_count == 0:
        raise NotFound("Post not found")
    return post_id


def deleted_user_record(*, user_id: uuid.UUID) -> None:
    """Record that the users service deleted `user_id`: from now on no query returns their posts
    (posts.models.VisiblePostManager). Recording a user twice changes nothing."""
    DeletedUser.objects.bulk_create([DeletedUser(user_id=user_id)], ignore_conflicts=True)


def deleted_user_posts_purge(*, user_id: uuid.UUID, batch_size: int = PURGE_BATCH_SIZE) -> int:
    """Record `user_id` as deleted, then delete every post of theirs; the number deleted.

    Each batch is its own transaction: a purge killed half-way keeps what it deleted, and calling
    it again (the users service's task retries until this answers) deletes the rest. Idempotent:
    once nothing is left it deletes nothing and returns 0.
    """
    deleted_user_record(user_id=user_id)
    deleted_total = 0
    owned = Post.including_deleted_authors.filter(user_id=user_id)
    while batch_ids := list(owned.values_list("id", flat=True)[:batch_size]):
        with transaction.atomic():
            deleted_count, _ = Post.including_deleted_authors.filter(id__in=batch_ids).delete()
        deleted_total += deleted_count
    return deleted_total
