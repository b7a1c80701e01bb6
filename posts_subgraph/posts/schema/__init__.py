"""The posts subgraph's schema: queries, mutations and the entities it owns or extends."""

from posts.schema.mutations import Mutation
from posts.schema.queries import Query
from posts.schema.types import PostType, User
from subgraph_kit.graphql import build_schema

schema = build_schema(query=Query, mutation=Mutation, types=[PostType, User])
