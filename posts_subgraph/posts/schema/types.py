"""GraphQL types of the posts subgraph: the Post entity, its connection, and User's `posts`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import strawberry

from posts.models import Post
from posts.pagination import Page, PageRequest, Position, encode_cursor
from posts.permissions import ensure_can_list_posts_of
from posts.schema.dataloaders import (
    load_post_counts_by_user,
    load_post_pages_by_user,
    load_posts_for_owner,
)
from subgraph_kit.errors import parse_uuid
from subgraph_kit.graphql import SubgraphInfo
from subgraph_kit.pagination import DEFAULT_PAGE_SIZE, FIRST_ARGUMENT_RANGE


def page_request(*, first: int | None, after: str | None) -> PageRequest:
    """The page asked for by a connection field's `first` and `after` (UNSET: not given)."""
    return PageRequest.parse(first=first, after=None if after is strawberry.UNSET else after)


# A plain Strawberry type built from a Post (`PostType.of`), not strawberry_django's: its fields,
# `author` included, are attributes. A field with a resolver costs Strawberry a call chain per
# post (info object, arguments, extension chain): the 20 `author` resolvers of a page were 5% of
# the posts subgraph's instructions per myPosts request. strawberry_django's types run a resolver
# for every field; nothing here uses their optimizer or filters.
@strawberry.federation.type(name="Post", keys=["id"])
class PostType:
    """A post, readable by its owner only (staff may also list everyone's)."""

    id: strawberry.ID
    title: str
    description: str | None
    created: dt.date
    author: User | None = strawberry.field(
        description="The owner, resolved by the users subgraph; null if it is down."
    )

    @classmethod
    def of(cls, post: Post, *, author: User | None = None) -> PostType:
        """The post's GraphQL object; `author`: its author's reference, if already made."""
        return cls(
            id=strawberry.ID(str(post.id)),
            title=post.title,
            description=post.description,
            created=post.created,
            author=User.for_id(post.user_id) if author is None else author,
        )

    @classmethod
    def of_each(cls, posts: Iterable[Post]) -> list[PostType]:
        """The posts' GraphQL objects, with one reference per author (a page is mostly one)."""
        authors: dict[uuid.UUID, User] = {}
        nodes = []
        for post in posts:
            author = authors.get(post.user_id)
            if author is None:
                author = authors[post.user_id] = User.for_id(post.user_id)
            nodes.append(cls.of(post, author=author))
        return nodes

    @classmethod
    async def resolve_reference(cls, info: SubgraphInfo, **representation: Any) -> PostType | None:
        """Like `post(id)`: the viewer's own post, or null (no existence leak)."""
        post_id = parse_uuid(representation.get("id"), field="id")
        viewer = await info.context.require_viewer()
        loader = info.context.dataloader(load_posts_for_owner)
        post = await loader.load((viewer.user_id, post_id))
        return None if post is None else cls.of(post)


def cursor_of(post: Post) -> str:
    return encode_cursor(Position.of(post))


@strawberry.type(description="Pagination state of a connection (forward-only).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="True when the page was requested `after` a cursor."
    )
    # The page's posts: its cursors are encoded only when a query selects them.
    posts: strawberry.Private[list[Post]]

    @strawberry.field
    def start_cursor(self) -> str | None:
        return cursor_of(self.posts[0]) if self.posts else None

    @strawberry.field
    def end_cursor(self) -> str | None:
        return cursor_of(self.posts[-1]) if self.posts else None


def edge_cursor(edge: strawberry.Parent[PostEdge]) -> str:
    return cursor_of(edge.post)


@strawberry.type
class PostEdge:
    # Encoded only when a query selects it.
    cursor: str = strawberry.field(resolver=edge_cursor)
    node: PostType
    post: strawberry.Private[Post]


@strawberry.type(description="A page of posts, ordered by title, then id.")
class PostConnection:
    edges: list[PostEdge]
    page_info: PageInfo
    # Counting reads every row of the list (the whole table for the staff listing): it runs
    # only when a query selects `totalCount`.
    count_posts: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Posts in the whole list, not this page.")
    async def total_count(self) -> int:
        return await self.count_posts()

    @classmethod
    def from_page(cls, page: Page, *, count_posts: Callable[[], Awaitable[int]]) -> PostConnection:
        """The connection of a page; `count_posts` counts the whole list when asked."""
        return cls(
            edges=[
                PostEdge(node=node, post=post)
                for node, post in zip(PostType.of_each(page.posts), page.posts, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                posts=page.posts,
            ),
            count_posts=count_posts,
        )


# Owned by the users subgraph. The key stays resolvable here: composition rejects
# `resolvable: false` on an entity that gains fields in this subgraph.
@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def for_id(cls, user_id: uuid.UUID) -> User:
        return cls(id=strawberry.ID(str(user_id)))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> User:
        return cls.for_id(parse_uuid(representation.get("id"), field="id"))

    @strawberry.field(description=f"The user's posts ({FIRST_ARGUMENT_RANGE}), for them or staff.")
    async def posts(
        self,
        info: SubgraphInfo,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = strawberry.UNSET,
    ) -> PostConnection:
        viewer = await info.context.require_viewer()
        user_id = parse_uuid(self.id, field="id")
        ensure_can_list_posts_of(viewer, user_id)
        requested = page_request(first=first, after=after)
        page = await info.context.dataloader(load_post_pages_by_user).load((user_id, requested))
        count_loader = info.context.dataloader(load_post_counts_by_user)
        return PostConnection.from_page(page, count_posts=lambda: count_loader.load(user_id))
