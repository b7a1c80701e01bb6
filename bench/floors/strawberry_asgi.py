"""Floor (b): the floors' schema on Strawberry's bare ASGI app (`POST /graphql`), no Django."""

from strawberry.asgi import GraphQL

from bench.floors.schema import schema

application = GraphQL(schema, graphql_ide=None)
