"""Read operations: the viewer's posts, one post, and the staff listing."""

from __future__ import annotations

import strawberry

from posts.permissions import ensure_can_list_all_posts
from posts.schema.types import PostConnection, PostType, page_request
from posts.selectors import post_count, post_get_for_owner, post_page
from subgraph_kit.errors import parse_uuid
from subgraph_kit.graphql import SubgraphInfo
from subgraph_kit.pagination import DEFAULT_PAGE_SIZE, FIRST_ARGUMENT_RANGE


@strawberry.type
class Query:
    @strawberry.field(description=f"The viewer's posts ({FIRST_ARGUMENT_RANGE}).")
    async def my_posts(
        self,
        info: SubgraphInfo,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = strawberry.UNSET,
    ) -> PostConnection:
        viewer = await info.context.require_viewer()
        requested = page_request(first=first, after=after)
        page = await post_page(author_id=viewer.user_id, page_request=requested)
        return PostConnection.from_page(
            page, count_posts=lambda: post_count(author_id=viewer.user_id)
        )

    @strawberry.field(description="The viewer's post; null when missing or someone else's.")
    async def post(self, info: SubgraphInfo, id: strawberry.ID) -> PostType | None:
        viewer = await info.context.require_viewer()
        post_id = parse_uuid(id, field="id")
        post = await post_get_for_owner(post_id=post_id, user_id=viewer.user_id)
        return None if post is None else PostType.of(post)

    @strawberry.field(
        description=f"Staff only: every post, or one author's ({FIRST_ARGUMENT_RANGE})."
    )
    async def posts(
        self,
        info: SubgraphInfo,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = strawberry.UNSET,
        author_id: strawberry.ID | None = strawberry.UNSET,
    ) -> PostConnection:
        viewer = await info.context.require_viewer()
        ensure_can_list_all_posts(viewer)
        requested = page_request(first=first, after=after)
        author_uuid = None
        if author_id is not None and author_id is not strawberry.UNSET:
            author_uuid = parse_uuid(author_id, field="authorId")
        page = await post_page(author_id=author_uuid, page_request=requested)
        return PostConnection.from_page(page, count_posts=lambda: post_count(author_id=author_uuid))
