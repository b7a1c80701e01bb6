"""Reads of users. The async ones serve resolvers, which run on the event loop."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable

from asgiref.sync import sync_to_async

from accounts.models import User
from subgraph_kit.compiled_queries import CompiledQuery, QueryParameter
from subgraph_kit.pagination import MAX_PAGE_SIZE

USER_ID = User._meta.get_field("id")


def user_get(*, user_id: uuid.UUID | str) -> User | None:
    return User.objects.filter(id=user_id).first()


async def auser_get_active(*, user_id: uuid.UUID) -> User | None:
    return await User.objects.filter(id=user_id, is_active=True).afirst()


def users_by_id_query(count: int) -> CompiledQuery[User]:
    """The query for `count` distinct ids: `id IN (%s, ...)`, one parameter per id."""
    ids = [QueryParameter(f"id_{index}", USER_ID) for index in range(count)]
    return CompiledQuery.compile(User.objects.filter(id__in=ids))


# Compiled once per count (subgraph_kit.compiled_queries): the router asks for a page's authors,
# so one to MAX_PAGE_SIZE ids; a larger batch is compiled for its request alone.
cached_users_by_id_query = functools.lru_cache(maxsize=MAX_PAGE_SIZE)(users_by_id_query)


def users_by_id(*, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The users with these ids, in one query; unknown ids are simply absent."""
    distinct_ids = list(dict.fromkeys(user_ids))
    if not distinct_ids:
        return {}
    count = len(distinct_ids)
    query = (cached_users_by_id_query if count <= MAX_PAGE_SIZE else users_by_id_query)(count)
    rows = query.run(**{f"id_{index}": user_id for index, user_id in enumerate(distinct_ids)})
    return {user.id: user for user in rows}


# `_entities` reads users on most requests: compiling may ask the database for its version, so
# the whole read runs on the request's thread, one thread hop as `async for` costs.
ausers_by_id = sync_to_async(users_by_id)


def user_get_by_email(*, email: str) -> User | None:
    """The user with this stored (normalized) email address, if any."""
    return User.objects.filter(email=email).first()
