"""Write operations on the viewer's own posts; the owner always comes from the token."""

from __future__ import annotations

from typing import Any

import strawberry
from asgiref.sync import sync_to_async

from posts.models import DESCRIPTION_MAX_LENGTH
from posts.schema.types import PostType
from posts.services import UNCHANGED, post_create, post_delete, post_update
from subgraph_kit.errors import parse_uuid
from subgraph_kit.graphql import SubgraphInfo

DESCRIPTION_LIMIT = f"At most {DESCRIPTION_MAX_LENGTH} characters (longer: BAD_USER_INPUT)."


@strawberry.input
class CreatePostInput:
    title: str
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description=DESCRIPTION_LIMIT
    )


@strawberry.input(
    description="Fields left out stay as they are; `description: null` clears the description."
)
class UpdatePostInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description=DESCRIPTION_LIMIT
    )


def given(value: Any) -> Any:
    """A partial-update argument for the service: a field left out of the input is UNCHANGED."""
    return UNCHANGED if value is strawberry.UNSET else value


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a post owned by the viewer. Rate limited per user: RATE_LIMITED, "
        "with `extensions.retryAfter` in seconds."
    )
    async def create_post(self, info: SubgraphInfo, input: CreatePostInput) -> PostType:
        viewer = await info.context.require_viewer()
        description = None if input.description is strawberry.UNSET else input.description
        post = await sync_to_async(post_create)(
            user_id=viewer.user_id, title=input.title, description=description
        )
        return PostType.of(post)

    @strawberry.mutation(
        description="Change the given fields of one of the viewer's posts. Rate limited per "
        "user: RATE_LIMITED, with `extensions.retryAfter` in seconds."
    )
    async def update_post(
        self, info: SubgraphInfo, id: strawberry.ID, input: UpdatePostInput
    ) -> PostType:
        viewer = await info.context.require_viewer()
        post = await sync_to_async(post_update)(
            post_id=parse_uuid(id, field="id"),
            user_id=viewer.user_id,
            title=given(input.title),
            description=given(input.description),
        )
        return PostType.of(post)

    @strawberry.mutation(description="Delete one of the viewer's posts; returns its id.")
    async def delete_post(self, info: SubgraphInfo, id: strawberry.ID) -> strawberry.ID:
        viewer = await info.context.require_viewer()
        deleted_id = await sync_to_async(post_delete)(
            post_id=parse_uuid(id, field="id"), user_id=viewer.user_id
        )
        return strawberry.ID(str(deleted_id))
