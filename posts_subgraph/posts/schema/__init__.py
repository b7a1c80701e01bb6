"""The posts subgraph's schema: queries, mutations and the entities it owns or extends."""

from posts.schema.mutations import Mutation
from posts.schema.queries import Query
from posts.schema.types import PostType, User
from subgraph_kit.graphql import SubgraphContext, SubgraphGraphQL, build_schema

schema = build_schema(query=Query, mutation=Mutation, types=[PostType, User])
# What `/graphql` serves (settings.GRAPHQL_APPLICATION, subgraph_kit.graphql_endpoint).
graphql_application = SubgraphGraphQL(schema, context_class=SubgraphContext)
