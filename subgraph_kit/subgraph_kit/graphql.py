"""The GraphQL plumbing every subgraph shares: schema factory, request context and async view."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import strawberry
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.django.views import AsyncGraphQLView
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from subgraph_kit.errors import ClientError, Unauthenticated
from subgraph_kit.tokens import Viewer, bearer_token, get_access_token_verifier

# The router's composition library accepts federation link versions up to 2.9.
FEDERATION_VERSION = "2.9"

logger = logging.getLogger("subgraph_kit.graphql")


def is_expected_error(error: GraphQLError) -> bool:
    """Errors the client caused: our ClientErrors, and GraphQL's own syntax/validation errors."""
    return error.original_error is None or isinstance(error.original_error, ClientError)


class SubgraphSchema(strawberry.federation.Schema):
    """A federation 2.9 schema whose logs tell expected client errors apart from bugs."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_expected_error(error):
                logger.info("client error: %s %s", error.extensions.get("code", ""), error.message)
            else:
                logger.error("unexpected error: %s", error.message, exc_info=error.original_error)


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Sequence[type] = (),
) -> SubgraphSchema:
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        types=types,
        federation_version=FEDERATION_VERSION,
        # Factories, not instances: an extension holds its request's execution context, so one
        # instance shared by concurrent requests would mix them up. The caches themselves live
        # at module level in Strawberry and are shared across requests all the same.
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: MaskErrors(should_mask_error=lambda error: not is_expected_error(error)),
        ],
    )


@dataclass
class SubgraphContext:
    """Per-request state: the caller's identity (verified lazily, once) and the DataLoaders."""

    request: HttpRequest
    response: HttpResponse
    _viewer: Viewer | None = None
    _viewer_resolved: bool = False
    _dataloaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)

    async def viewer(self) -> Viewer | None:
        """The verified caller, or None without an Authorization header; raises on a bad token."""
        if not self._viewer_resolved:
            raw_token = bearer_token(self.request.headers.get("Authorization"))
            if raw_token is not None:
                self._viewer = await get_access_token_verifier().verify(raw_token)
            self._viewer_resolved = True
        return self._viewer

    async def require_viewer(self) -> Viewer:
        viewer = await self.viewer()
        if viewer is None:
            raise Unauthenticated("Authentication required: send 'Authorization: Bearer <token>'")
        return viewer

    def dataloader(
        self, load_fn: Callable[[list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        """One DataLoader per batch function and request, so a request's loads batch together."""
        loader = self._dataloaders.get(load_fn)
        if loader is None:
            loader = self._dataloaders[load_fn] = DataLoader(load_fn=load_fn)
        return loader


# The `info` resolvers receive, typed so `info.context` is a SubgraphContext.
SubgraphInfo = strawberry.Info[SubgraphContext, None]


@method_decorator(csrf_exempt, name="dispatch")
class SubgraphGraphQLView(AsyncGraphQLView):
    """Async view (DataLoaders need it) with no IDE: the router's GraphiQL is the explorer.

    CSRF middleware does not apply: authentication is a bearer token, never a cookie, and the
    router enforces CSRF prevention for browsers.
    """

    graphql_ide = None
    allow_queries_via_get = False

    def __init__(self, **options: Any) -> None:
        # Strawberry's __init__ defaults (GraphiQL on, GET queries allowed) would otherwise
        # override the class attributes above.
        super().__init__(**{**options, "graphql_ide": None, "allow_queries_via_get": False})

    async def get_context(self, request: HttpRequest, response: HttpResponse) -> SubgraphContext:
        return SubgraphContext(request=request, response=response)
