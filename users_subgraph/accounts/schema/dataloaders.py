"""Batch loads: each runs one query for all the keys a request asked for at once."""

from __future__ import annotations

import uuid

from accounts.models import User
from accounts.selectors import ausers_by_id


async def load_users_by_id(user_ids: list[uuid.UUID]) -> list[User | None]:
    users = await ausers_by_id(user_ids=user_ids)
    return [users.get(user_id) for user_id in user_ids]
