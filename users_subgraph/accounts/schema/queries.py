"""Queries of the users subgraph."""

from __future__ import annotations

import strawberry

from accounts.models import User
from accounts.schema.context import UsersInfo
from accounts.schema.types import UserType
from accounts.selectors import auser_get_active
from subgraph_kit.errors import Unauthenticated


@strawberry.type
class Query:
    @strawberry.field(description="The user of the access token sent in `Authorization`.")
    async def me(self, info: UsersInfo) -> UserType | None:
        viewer = await info.context.require_viewer()
        user: User | None = await auser_get_active(user_id=viewer.user_id)
        if user is None:
            raise Unauthenticated("The user of this access token no longer exists or is inactive")
        return user  # type: ignore[return-value]
