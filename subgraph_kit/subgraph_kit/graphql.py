"""The GraphQL plumbing every subgraph shares: schema factory, request context, ASGI application."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLError, get_operation_ast
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext

from subgraph_kit import metrics
from subgraph_kit.errors import ClientError, Unauthenticated
from subgraph_kit.input_checks import (
    RejectNulCharacters,
    check_entity_representations,
    decode_request_json,
)
from subgraph_kit.masking import HideSuggestions, SubgraphMaskErrors
from subgraph_kit.request_context import current_request
from subgraph_kit.tokens import Viewer, bearer_token, get_access_token_verifier

# The router's composition library accepts federation link versions up to 2.9.
FEDERATION_VERSION = "2.9"
# A GraphQL Name: an operationName that is not one is neither logged nor a metric label.
OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
MAX_OPERATION_LABEL_LENGTH = 100

logger = logging.getLogger("subgraph_kit.graphql")


def is_expected_error(error: GraphQLError) -> bool:
    """Errors the client caused: our ClientErrors, and GraphQL's own syntax/validation errors."""
    original = error.original_error
    if original is None or isinstance(original, ClientError):
        return True
    # A variable of the wrong type or out of range (before execution, so no path): graphql-core
    # wraps its own coercion error.
    return error.path is None and isinstance(original, GraphQLError)


def error_code(error: GraphQLError, execution_context: ExecutionContext | None = None) -> str:
    """The error's `extensions.code`, or else the kind of error it is, for logs and metrics."""
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    if not is_expected_error(error):
        return "INTERNAL_SERVER_ERROR"
    if execution_context is not None and execution_context.graphql_document is None:
        return "GRAPHQL_PARSE_FAILED"
    if isinstance(error.original_error, GraphQLError):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def error_location(error: GraphQLError) -> str:
    if error.path:
        return ".".join(str(key) for key in error.path)
    if error.locations:
        return ", ".join(f"{location.line}:{location.column}" for location in error.locations)
    return "-"


class SubgraphSchema(strawberry.federation.Schema):
    """A federation 2.9 schema whose logs tell expected client errors apart from bugs."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if isinstance(error.original_error, ClientError):
                logger.info("client error: %s %s", error_code(error), error.message)
            elif is_expected_error(error):
                # GraphQL's own messages quote the request's variables and literals, passwords
                # included: the code and the place in the document are logged instead.
                logger.info(
                    "client error: %s at %s",
                    error_code(error, execution_context),
                    error_location(error),
                )
            else:
                logger.error("unexpected error: %s", error.message, exc_info=error.original_error)

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        entity_type = self._schema.type_map["_Entity"]
        check_entity_representations(representations, {member.name for member in entity_type.types})
        return super().entities_resolver(info, representations)


def operation_label(execution_context: ExecutionContext) -> str | None:
    """The operation's name or, for an anonymous operation, its root fields: `{myPosts}`.

    The router names none of the operations it sends to subgraphs: their root fields (`myPosts`,
    `_entities`) are what tells them apart in logs and metrics.
    """
    name = execution_context.operation_name
    if name:
        return name if OPERATION_NAME.fullmatch(name) else None
    document = execution_context.graphql_document
    operation = get_operation_ast(document) if document is not None else None
    if operation is None:
        return None
    root_fields = sorted(
        {
            field.name.value
            for field in operation.selection_set.selections
            if isinstance(field, FieldNode)
        }
    )
    label = "{" + ",".join(root_fields) + "}"
    return label if root_fields and len(label) <= MAX_OPERATION_LABEL_LENGTH else None


class ReportingParserCache(ParserCache):
    """Strawberry's ParserCache, except that a syntax error is reported like any other error.

    ParserCache raises it from its parsing hook, outside Strawberry's error handling: the
    operation then ends without a result, unseen by OperationObserver. Left unparsed, the
    document goes through Strawberry's own parse, which turns the error into the result.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


class OperationObserver(SchemaExtension):
    """Records each operation's name, outcome, error codes and duration: metrics, request line.

    Installed last, so it leaves the operation first and sees errors before MaskErrors hides them.
    """

    def on_operation(self) -> Iterator[None]:
        started = perf_counter()
        yield
        result = self.execution_context.result
        if result is None:
            # No operation ran (no query in the request): the HTTP metrics count the 400.
            return
        operation_name = operation_label(self.execution_context)
        error_codes = [error_code(error, self.execution_context) for error in result.errors or []]
        metrics.record_graphql_operation(
            operation_name=operation_name,
            error_codes=error_codes,
            duration_seconds=perf_counter() - started,
        )
        observation = current_request()
        if observation is not None:
            observation.graphql_operation = operation_name
            observation.graphql_error_codes = error_codes


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
            lambda: ReportingParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: SubgraphMaskErrors(
                should_mask_error=lambda error: not is_expected_error(error)
            ),
            RejectNulCharacters,
            HideSuggestions,
            # Last: see OperationObserver.
            OperationObserver,
        ],
    )


@dataclass
class SubgraphContext:
    """Per-request state: the caller's identity (verified lazily, once) and the DataLoaders."""

    request: Request
    response: Response
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


class SubgraphGraphQL(GraphQL[SubgraphContext, None]):
    """Strawberry's ASGI application for `/graphql`, with no IDE and no queries over GET.

    Served by `subgraph_kit.asgi` behind the kit's own ASGI layers
    (`subgraph_kit.graphql_endpoint`), not through a Django view: that module says why. The
    router's GraphiQL is the explorer. No CSRF check, as the Django view had none: authentication
    is a bearer token, never a cookie, and the router enforces CSRF prevention for browsers.
    """

    def __init__(
        self, schema: strawberry.federation.Schema, *, context_class: type[SubgraphContext]
    ) -> None:
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False)
        self.context_class = context_class

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    async def get_context(self, request: Request, response: Response) -> SubgraphContext:  # type: ignore[override]
        return self.context_class(request=request, response=response)
