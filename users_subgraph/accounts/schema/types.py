"""The User entity, owned by this subgraph and extended by others (posts adds `User.posts`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django

from accounts.models import User
from accounts.permissions import can_read_email
from accounts.schema.context import UsersInfo
from accounts.schema.dataloaders import load_users_by_id
from subgraph_kit.errors import Forbidden, parse_uuid


async def resolve_email(root: strawberry.Parent[User], info: UsersInfo) -> str:
    if not can_read_email(viewer=await info.context.viewer(), user=root):
        raise Forbidden("Only the user themself and staff can read a user's email")
    return root.email


@strawberry_django.federation.type(User, keys=["id"], name="User")
class UserType:
    id: strawberry.ID
    email: str = strawberry.field(
        resolver=resolve_email, description="Readable by the user themself and by staff only."
    )
    is_verified: bool
    date_joined: dt.datetime

    @classmethod
    async def resolve_reference(cls, info: UsersInfo, **representation: Any) -> User | None:
        """Batched: every User representation of one `_entities` request shares one query."""
        user_id = parse_uuid(representation.get("id"), field="id")
        return await info.context.dataloader(load_users_by_id).load(user_id)
