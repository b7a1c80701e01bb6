"""What one request carries through logs and metrics: its id, timings, database queries, outcome.

`RequestObservabilityMiddleware` (first in MIDDLEWARE; `RequestObservabilityASGIMiddleware` in
front of `/graphql`) opens an observation per request: the id
comes from the router's `X-Request-ID` header (one id for the router and every subgraph call it
makes) or is generated, is echoed on the response and tagged on every log line written while the
request runs (`RequestContextFilter`, on the log handler). When the response is ready the
middleware writes the request's one log line and records its metrics (`subgraph_kit.metrics`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraph_kit import metrics

REQUEST_ID_HEADER = "X-Request-ID"
# Ids are written into every log line and response: short, and nothing a log viewer or a header
# could misread. The router's UUIDs and ids such as `trace-<uuid>` fit.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Orchestrator probes and scrapes, logged at DEBUG so that they do not drown the requests.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

logger = logging.getLogger("subgraph_kit.requests")


@dataclass
class RequestObservation:
    request_id: str
    started: float = field(default_factory=perf_counter)
    database_queries: int = 0
    # Set by the GraphQL extension (subgraph_kit.graphql) when the request ran an operation.
    graphql_operation: str | None = None
    graphql_error_codes: list[str] | None = None

    @property
    def graphql_outcome(self) -> str | None:
        if self.graphql_error_codes is None:
            return None
        return "errors" if self.graphql_error_codes else "ok"

    def finish(self, *, method: str, route: str, path: str, status_code: int) -> None:
        """Records the request's metrics and writes its log line, once its response is known."""
        duration_seconds = perf_counter() - self.started
        metrics.record_request(
            method=method,
            route=route,
            status=status_code,
            duration_seconds=duration_seconds,
            database_queries=self.database_queries,
        )
        log_request(
            method=method,
            path=path,
            status_code=status_code,
            observation=self,
            duration_seconds=duration_seconds,
        )


_current_request: ContextVar[RequestObservation | None] = ContextVar(
    "subgraph_request", default=None
)


def current_request() -> RequestObservation | None:
    """The request being served in this context (also in its `sync_to_async` threads), if any."""
    return _current_request.get()


def request_id_from_header(value: str | None) -> str:
    """The caller's request id when it is well-formed; a new UUID otherwise."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return str(uuid.uuid4())


class RequestContextFilter(logging.Filter):
    """Adds `request_id` ("-" outside requests) and `service` to every record a handler writes.

    Put on the handler (settings.LOGGING), not on loggers: records from every logger reach it,
    Django's, Strawberry's and uvicorn's included.
    """

    def __init__(self, service: str, name: str = "") -> None:
        super().__init__(name)
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        observation = current_request()
        if observation is not None:
            record.request_id = observation.request_id
        else:
            # Django's own lines about a response (django.request) come after the middleware.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "-")
        record.service = self.service
        return True


def count_database_query(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Database execute wrapper: counts the queries each request makes."""
    observation = current_request()
    if observation is not None:
        observation.database_queries += 1
    return execute(sql, params, many, context)


def install_query_counter(sender: type, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver (connected in SubgraphKitConfig.ready).

    Connections are per thread and ORM calls run in `sync_to_async` threads, so the counter goes
    on every connection as it opens rather than on the middleware's own. First in the list:
    `connection.execute_wrapper()` pops the last wrapper when its block ends.
    """
    if count_database_query not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, count_database_query)


def route_label(request: HttpRequest) -> str:
    """The URL pattern that serves the request (`/graphql`, `/admin/<path:object_id>/`...).

    A pattern, not the raw path, keeps the metrics' label values few whatever clients ask for.
    """
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return f"/{match.route}"


class RequestObservabilityMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        observation = RequestObservation(
            request_id=request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        )
        # Also on the request: Django logs 4xx and 5xx responses after the middleware chain has
        # returned, with the request in the record (see RequestContextFilter).
        request.request_id = observation.request_id
        token = _current_request.set(observation)
        try:
            response = await self.get_response(request)
            response[REQUEST_ID_HEADER] = observation.request_id
            observation.finish(
                method=request.method or "",
                route=route_label(request),
                path=request.path,
                status_code=response.status_code,
            )
            return response
        finally:
            _current_request.reset(token)


class RequestObservabilityASGIMiddleware:
    """The same observation for an ASGI application served outside Django's handler (`/graphql`,
    see `subgraph_kit.graphql_endpoint`): one route, so its label is given."""

    def __init__(self, app: ASGIApp, *, route: str) -> None:
        self.app = app
        self.route = route
        self.request_id_header = REQUEST_ID_HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        observation = RequestObservation(
            request_id=request_id_from_header(Headers(scope=scope).get(REQUEST_ID_HEADER))
        )
        request_id_field = (self.request_id_header, observation.request_id.encode())
        # Until a response starts, an exception is the server's failure: uvicorn answers 500.
        status_code = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), request_id_field]}
            await send(message)

        token = _current_request.set(observation)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            observation.finish(
                method=scope["method"],
                route=self.route,
                path=scope["path"],
                status_code=status_code,
            )
            _current_request.reset(token)


def log_request(
    *,
    method: str,
    path: str,
    status_code: int,
    observation: RequestObservation,
    duration_seconds: float,
) -> None:
    """The request's one line: what was asked, how it ended, how long it took, what it cost."""
    duration_ms = round(duration_seconds * 1000, 1)
    # A decoded path may hold line breaks: escaped, it cannot fake another log line.
    logged_path = path if path.isprintable() else repr(path)
    message = (
        f"{method} {logged_path} {status_code} {duration_ms}ms "
        f"db_queries={observation.database_queries}"
    )
    if observation.graphql_error_codes is not None:
        message += f" operation={observation.graphql_operation or '-'}"
        message += f" outcome={observation.graphql_outcome}"
        if observation.graphql_error_codes:
            message += f" error_codes={','.join(observation.graphql_error_codes)}"
    level = logging.DEBUG if path in PROBE_PATHS else logging.INFO
    logger.log(
        level,
        message,
        extra={
            "method": method,
            "path": logged_path,
            "status_code": status_code,
            "duration_ms": duration_ms,
            "db_queries": observation.database_queries,
            "graphql_operation": observation.graphql_operation,
            "graphql_outcome": observation.graphql_outcome,
            "graphql_error_codes": observation.graphql_error_codes,
        },
    )
