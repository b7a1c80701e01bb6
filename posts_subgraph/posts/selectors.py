"""Reads of posts. Who may read what is decided by the callers (see posts.permissions)."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Collection

from asgiref.sync import sync_to_async
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from posts.models import Post
from posts.pagination import (
    LISTING_ORDER,
    Page,
    PageRequest,
    after_position,
    page_from_rows,
)
from subgraph_kit.compiled_queries import CompiledQuery, QueryParameter

# The values a page query leaves open (see compiled_post_page).
AUTHOR_ID = QueryParameter("author_id", Post._meta.get_field("user_id"))
AFTER_TITLE = QueryParameter("after_title", Post._meta.get_field("title"))
AFTER_ID = QueryParameter("after_id", Post._meta.get_field("id"))


def post_list(*, author_id: uuid.UUID | QueryParameter | None = None) -> QuerySet[Post]:
    """Every post, or one author's (the viewer's own, for `myPosts`)."""
    posts = Post.objects.all()
    return posts if author_id is None else posts.filter(user_id=author_id)


# One per shape: 2 lists x first page or not x MAX_PAGE_SIZE page sizes.
@functools.lru_cache(maxsize=512)
def compiled_post_page(*, by_author: bool, after: bool, limit: int) -> CompiledQuery[Post]:
    """A page's query (see posts.pagination), compiled once per shape: `myPosts` and the staff
    listing read a page on most requests, and building and compiling the queryset each time was
    half of what reading one cost (subgraph_kit.compiled_queries)."""
    posts = post_list(author_id=AUTHOR_ID if by_author else None)
    if after:
        posts = posts.filter(after_position(title=AFTER_TITLE, id=AFTER_ID))
    return CompiledQuery.compile(posts.order_by(*LISTING_ORDER)[:limit])


def read_post_page(*, author_id: uuid.UUID | None, page_request: PageRequest) -> Page:
    """One page of every post, or of one author's: one query, `first + 1` rows (the extra one
    says whether another page follows)."""
    query = compiled_post_page(
        by_author=author_id is not None,
        after=page_request.after is not None,
        limit=page_request.first + 1,
    )
    values = {}
    if author_id is not None:
        values["author_id"] = author_id
    if page_request.after is not None:
        values["after_title"] = page_request.after.title
        values["after_id"] = page_request.after.id
    return page_from_rows(query.run(**values), page_request)


# Compiling may ask the database for its version, so the whole read runs on the request's thread:
# one thread hop, as `async for` over a queryset costs.
post_page = sync_to_async(read_post_page)


async def post_count(*, author_id: uuid.UUID | None) -> int:
    return await post_list(author_id=author_id).acount()


async def post_pages_for_users(
    *, user_ids: Collection[uuid.UUID], page_request: PageRequest
) -> dict[uuid.UUID, Page]:
    """The same page of several users' posts in one query, however many users.

    Rows are numbered per user in listing order and only the first `first + 1` of each user are
    read.
    """
    posts = Post.objects.filter(user_id__in=user_ids)
    if page_request.after is not None:
        after = page_request.after
        posts = posts.filter(after_position(title=after.title, id=after.id))
    ranked_rows = (
        posts.annotate(
            rank=Window(RowNumber(), partition_by=F("user_id"), order_by=[*LISTING_ORDER])
        )
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
