"""Reads of posts. Who may read what is decided by the callers (see posts.permissions)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from posts.models import Post
from posts.pagination import (
    LISTING_ORDER,
    Page,
    PageRequest,
    after_position,
    page_from_rows,
    paginate,
)


def post_list(*, author_id: uuid.UUID | None = None) -> QuerySet[Post]:
    """Every post, or one author's (the viewer's own, for `myPosts`)."""
    posts = Post.objects.all()
    return posts if author_id is None else posts.filter(user_id=author_id)


async def post_page(*, author_id: uuid.UUID | None, page_request: PageRequest) -> Page:
    return await paginate(post_list(author_id=author_id), page_request)


async def post_count(*, author_id: uuid.UUID | None) -> int:
    return await post_list(author_id=author_id).acount()


async def post_pages_for_users(
    *, user_ids: Collection[uuid.UUID], page_request: PageRequest
) -> dict[uuid.UUID, Page]:
    """The same page of several users' posts in one query, however many users.

    Rows are numbered per user in listing order and only the first `first + 1` of each user are
    read.
    """
    ranked_rows = (
        Post.objects.filter(user_id__in=user_ids)
        .filter(after_position(page_request.after))
        .annotate(rank=Window(RowNumber(), partition_by=F("user_id"), order_by=[*LISTING_ORDER]))
        .filter(rank__lte=page_request.first + 1)
        .order_by("user_id", *LISTING_ORDER)
    )
    rows_by_user: dict[uuid.UUID, list[Post]] = defaultdict(list)
    async for post in ranked_rows:
        rows_by_user[post.user_id].append(post)
    return {
        user_id: page_from_rows(rows_by_user.get(user_id, []), page_request) for user_id in user_ids
    }


async def post_counts_for_users(*, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many posts each user has, in one grouped query; users without posts count 0."""
    counts = Post.objects.filter(user_id__in=user_ids).values("user_id").annotate(total=Count("id"))
    totals = {row["user_id"]: row["total"] async for row in counts.order_by()}
    return {user_id: totals.get(user_id, 0) for user_id in user_ids}


async def post_get_for_owner(*, post_id: uuid.UUID, user_id: uuid.UUID) -> Post | None:
    """The post if `user_id` owns it; None when it is missing or someone else's alike."""
    return await Post.objects.filter(id=post_id, user_id=user_id).afirst()


async def post_map_for_owner(
    *, post_ids: Collection[uuid.UUID], user_id: uuid.UUID
) -> dict[uuid.UUID, Post]:
    """The posts among `post_ids` that `user_id` owns, by id, in one query."""
    posts = Post.objects.filter(id__in=post_ids, user_id=user_id)
    return {post.id: post async for post in posts}
