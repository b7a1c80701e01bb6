"""The Strawberry schema of the floors: scenario 2a's page, with authors as federation stubs.

The same shape as the posts subgraph's answer to the router (`myPosts { edges { node { title
author { __typename id } } } }`), with an async resolver that builds the page's objects on each
request, and the parser and validation caches the subgraphs use.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from bench.floors.page import POSTS, page_size


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID


@strawberry.type
class Post:
    title: str
    author: User


@strawberry.type
class PostEdge:
    node: Post


@strawberry.type
class PostConnection:
    edges: list[PostEdge]


@strawberry.type
class Query:
    @strawberry.field
    async def my_posts(self, first: int) -> PostConnection:
        return PostConnection(
            edges=[
                PostEdge(node=Post(title=title, author=User(id=strawberry.ID(author_id))))
                for title, author_id in POSTS[: page_size(first)]
            ]
        )


schema = strawberry.federation.Schema(
    query=Query, extensions=[ParserCache(maxsize=256), ValidationCache(maxsize=256)]
)
