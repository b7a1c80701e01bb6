"""Batch loads for the fields Strawberry resolves once per object (entities, `User.posts`).

Each load function receives every key asked for during one request and answers with a constant
number of queries; `info.context.dataloader(load_fn)` gives the request's loader.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from posts.models import Post
from posts.pagination import Page, PageRequest
from posts.selectors import post_counts_for_users, post_map_for_owner, post_pages_for_users


async def load_post_pages_by_user(keys: list[tuple[uuid.UUID, PageRequest]]) -> list[Page]:
    """Keys are (user id, page request); one operation usually asks every user for the same page,
    so this is one query for the whole batch (one per distinct page request)."""
    user_ids_by_request: dict[PageRequest, list[uuid.UUID]] = defaultdict(list)
    for user_id, page_request in keys:
        user_ids_by_request[page_request].append(user_id)
    pages: dict[tuple[uuid.UUID, PageRequest], Page] = {}
    for page_request, user_ids in user_ids_by_request.items():
        pages_by_user = await post_pages_for_users(user_ids=user_ids, page_request=page_request)
        for user_id, page in pages_by_user.items():
            pages[user_id, page_request] = page
    return [pages[key] for key in keys]


async def load_post_counts_by_user(user_ids: list[uuid.UUID]) -> list[int]:
    """Every user's `posts.totalCount` in one grouped query, for the users that select it."""
    counts = await post_counts_for_users(user_ids=user_ids)
    return [counts[user_id] for user_id in user_ids]


async def load_posts_for_owner(keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[Post | None]:
    """Keys are (viewer id, post id); a post the viewer does not own loads as None."""
    post_ids_by_owner: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for owner_id, post_id in keys:
        post_ids_by_owner[owner_id].append(post_id)
    posts: dict[tuple[uuid.UUID, uuid.UUID], Post] = {}
    for owner_id, post_ids in post_ids_by_owner.items():
        owned = await post_map_for_owner(post_ids=post_ids, user_id=owner_id)
        posts.update({(owner_id, post_id): post for post_id, post in owned.items()})
    return [posts.get(key) for key in keys]
