"""The users subgraph's request context.

Beyond the kit's context, a mutation that has just authenticated someone (signup, login) makes
them the viewer for the rest of the request, so its payload can show them their own email.
"""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from accounts.models import User
from subgraph_kit.graphql import SubgraphContext
from subgraph_kit.tokens import Viewer


@dataclass
class UsersContext(SubgraphContext):
    authenticated_viewer: Viewer | None = None

    def authenticate_as(self, user: User) -> None:
        """Act for `user`, who has just proved who they are, for the rest of this request."""
        self.authenticated_viewer = Viewer(
            user_id=user.id, email=user.email, is_staff=user.is_staff
        )

    async def viewer(self) -> Viewer | None:
        if self.authenticated_viewer is not None:
            return self.authenticated_viewer
        return await super().viewer()


# The `info` the users resolvers receive.
UsersInfo = strawberry.Info[UsersContext, None]
