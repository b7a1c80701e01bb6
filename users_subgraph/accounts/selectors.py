"""Reads of users. The async ones serve resolvers, which run on the event loop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from accounts.models import User


def user_get(*, user_id: uuid.UUID | str) -> User | None:
    return User.objects.filter(id=user_id).first()


async def auser_get_active(*, user_id: uuid.UUID) -> User | None:
    return await User.objects.filter(id=user_id, is_active=True).afirst()


async def ausers_by_id(*, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The users with these ids, in one query; unknown ids are simply absent."""
    return {user.id: user async for user in User.objects.filter(id__in=list(user_ids))}


def user_get_by_email(*, email: str) -> User | None:
    """The user with this stored (normalized) email address, if any."""
    return User.objects.filter(email=email).first()
