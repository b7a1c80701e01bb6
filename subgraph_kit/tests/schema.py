"""A small subgraph schema for the kit's tests: a client error, a bug, SQL queries, a password."""

import logging
import threading

import strawberry
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group

from subgraph_kit.errors import NotFound, Unauthenticated
from subgraph_kit.graphql import SubgraphContext, SubgraphGraphQL, build_schema
from tests.sync_work import query_on_this_thread

logger = logging.getLogger("tests.schema")


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self) -> str:
        logger.info("greeting requested")
        return "hello"

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("Nothing here")

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("a bug")

    @strawberry.field
    async def group_count(self) -> int:
        # Two queries, on purpose.
        await Group.objects.filter(name="a").acount()
        return await Group.objects.acount()

    @strawberry.field
    async def sync_work(self) -> str:
        """Opens a database connection on the request's thread; the event loop's thread id."""
        await sync_to_async(query_on_this_thread)()
        return str(threading.get_ident())


@strawberry.type
class Mutation:
    @strawberry.mutation
    def login(self, email: str, password: str) -> bool:
        raise Unauthenticated("Wrong email or password")


schema = build_schema(query=Query, mutation=Mutation)
# `/graphql` of the kit's test project (settings.GRAPHQL_APPLICATION).
graphql_application = SubgraphGraphQL(schema, context_class=SubgraphContext)
