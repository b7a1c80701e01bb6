"""The users subgraph's schema: `me`, the auth mutations and the User entity."""

from accounts.schema.context import UsersContext
from accounts.schema.mutations import Mutation
from accounts.schema.queries import Query
from accounts.schema.types import UserType
from subgraph_kit.graphql import SubgraphGraphQL, build_schema

schema = build_schema(query=Query, mutation=Mutation, types=[UserType])
# What `/graphql` serves (settings.GRAPHQL_APPLICATION, subgraph_kit.graphql_endpoint).
graphql_application = SubgraphGraphQL(schema, context_class=UsersContext)
