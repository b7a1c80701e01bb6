"""`/graphql` as an ASGI application: Strawberry's own, behind the kit's checks, without Django's
request handling.

Why not a Django view: measured under load (bench, scenario 2a), Django's handler, its middleware
chain and Strawberry's Django view (`AsyncGraphQLView`) cost a posts subgraph 1.4 ms of CPU per
request of its 6.3, for work a GraphQL POST does not need (URL resolving, `HttpRequest` and
`HttpResponse` objects, the view's Django adapters). Strawberry's ASGI integration runs the same
HTTP handling (`AsyncBaseHTTPView.run`: methods, content types, JSON decoding, status codes) on
Starlette's lighter request and response.

What stays Django's: settings, the ORM and its connection upkeep, the admin, every other path.
`subgraph_kit.asgi` serves this endpoint inside the same `ThreadSensitiveContext` with a lent
thread as Django's handler would, and sends `request_started` and `request_finished` on that
thread (`close_old_connections` returns the request's connection to the pool there).

What the API's Django middleware did, these layers do, reading the same settings:
- request id, log line and metrics (`RequestObservabilityASGIMiddleware`),
- security headers (`SecurityHeaders`: nosniff, X-Frame-Options, referrer and cross-origin-opener
  policies, HSTS on secure requests), on every response, refusals included,
- the Host header against ALLOWED_HOSTS (`AllowedHostCheck`, with Django's own `get_host`),
- the router's secret (`RouterSecretASGIMiddleware`),
- a body limit of DATA_UPLOAD_MAX_MEMORY_SIZE (`BodyLimit`: Django refused larger bodies too),
- CORS from the django-cors-headers settings (Starlette's `CORSMiddleware`).
Not carried over: SECURE_SSL_REDIRECT and DISALLOWED_USER_AGENTS, which the kit does not set
(TLS ends at the router; subgraphs are called by the router only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from corsheaders.conf import conf as cors_settings
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.module_loading import import_string
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraph_kit.request_context import RequestObservabilityASGIMiddleware
from subgraph_kit.router_secret import RouterSecretASGIMiddleware

GRAPHQL_PATH = "/graphql"

security_logger = logging.getLogger("django.security.DisallowedHost")


def error_response(status_code: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status_code
    )


def is_secure(scope: Scope) -> bool:
    """Django's `request.is_secure()`: the scheme, or the proxy's header when one is trusted."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        header = meta_name.removeprefix("HTTP_").replace("_", "-").lower()
        forwarded = Headers(scope=scope).get(header)
        if forwarded is not None:
            return forwarded.split(",", 1)[0].strip() == secure_value
    return scope.get("scheme") == "https"


def security_header_fields() -> list[tuple[bytes, bytes]]:
    """The headers Django's SecurityMiddleware and XFrameOptionsMiddleware add, from settings."""
    fields: list[tuple[str, str]] = []
    if getattr(settings, "SECURE_CONTENT_TYPE_NOSNIFF", False):
        fields.append(("x-content-type-options", "nosniff"))
    if getattr(settings, "X_FRAME_OPTIONS", None):
        fields.append(("x-frame-options", settings.X_FRAME_OPTIONS.upper()))
    referrer_policy = getattr(settings, "SECURE_REFERRER_POLICY", None)
    if referrer_policy:
        if not isinstance(referrer_policy, str):
            referrer_policy = ",".join(referrer_policy)
        fields.append(("referrer-policy", referrer_policy))
    opener_policy = getattr(settings, "SECURE_CROSS_ORIGIN_OPENER_POLICY", None)
    if opener_policy:
        fields.append(("cross-origin-opener-policy", opener_policy))
    return [(name.encode(), value.encode("latin-1")) for name, value in fields]


def hsts_field() -> tuple[bytes, bytes] | None:
    seconds = getattr(settings, "SECURE_HSTS_SECONDS", 0)
    if not seconds:
        return None
    value = f"max-age={seconds}"
    if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
        value += "; includeSubDomains"
    if getattr(settings, "SECURE_HSTS_PRELOAD", False):
        value += "; preload"
    return (b"strict-transport-security", value.encode())


class SecurityHeaders:
    """Adds the security headers to every response (computed once: settings do not change)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.fields = security_header_fields()
        self.hsts = hsts_field()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fields = self.fields
        if self.hsts is not None and is_secure(scope):
            fields = [*fields, self.hsts]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *fields]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowedHostCheck:
    """Refuses a Host header outside ALLOWED_HOSTS with 400, as Django's request handling would.

    Django's own `HttpRequest.get_host()` decides (X-Forwarded-Host when USE_X_FORWARDED_HOST,
    the development hosts when DEBUG and ALLOWED_HOSTS is empty), on a request holding only the
    headers it reads.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        request = HttpRequest()
        server_name, server_port = scope.get("server") or ("", None)
        request.META = {"SERVER_NAME": server_name, "SERVER_PORT": str(server_port or "")}
        for header, meta_name in (
            ("host", "HTTP_HOST"),
            ("x-forwarded-host", "HTTP_X_FORWARDED_HOST"),
        ):
            value = headers.get(header)
            if value is not None:
                request.META[meta_name] = value
        try:
            request.get_host()
        except DisallowedHost as refusal:
            security_logger.error("%s", refusal)
            response = error_response(
                400, "Bad Request: the Host header is not allowed", "BAD_REQUEST"
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Reads the request's body, refusing one over `max_bytes` with 413, then hands it on whole."""

    def __init__(self, app: ASGIApp, *, max_bytes: int | None) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # The client left before sending its request: nobody to answer.
            chunk = message.get("body", b"")
            size += len(chunk)
            if self.max_bytes is not None and size > self.max_bytes:
                response = error_response(
                    413,
                    f"The request body is over {self.max_bytes} bytes",
                    "REQUEST_BODY_TOO_LARGE",
                )
                await response(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body_message: Message | None = {
            "type": "http.request",
            "body": b"".join(chunks),
            "more_body": False,
        }

        async def receive_the_body_then_wait() -> Message:
            nonlocal body_message
            if body_message is not None:
                message, body_message = body_message, None
                return message
            return await receive()

        await self.app(scope, receive_the_body_then_wait, send)


def cors(app: ASGIApp) -> ASGIApp:
    """Starlette's CORS middleware with django-cors-headers' settings (the rest of the API's)."""
    allow_all = cors_settings.CORS_ALLOW_ALL_ORIGINS
    regexes: Iterable[str] = cors_settings.CORS_ALLOWED_ORIGIN_REGEXES
    return CORSMiddleware(
        app,
        allow_origins=["*"] if allow_all else list(cors_settings.CORS_ALLOWED_ORIGINS),
        allow_origin_regex="|".join(f"(?:{regex})" for regex in regexes) or None,
        allow_methods=list(cors_settings.CORS_ALLOW_METHODS),
        allow_headers=list(cors_settings.CORS_ALLOW_HEADERS),
        allow_credentials=cors_settings.CORS_ALLOW_CREDENTIALS,
        expose_headers=list(cors_settings.CORS_EXPOSE_HEADERS),
        max_age=cors_settings.CORS_PREFLIGHT_MAX_AGE,
    )


def graphql_endpoint(graphql_application: ASGIApp) -> ASGIApp:
    """`graphql_application` behind the kit's layers, in the order of the module docstring's
    list: observation outermost (it sees every refusal), CORS innermost."""
    application = cors(graphql_application)
    application = BodyLimit(application, max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    application = RouterSecretASGIMiddleware(application)
    application = AllowedHostCheck(application)
    application = SecurityHeaders(application)
    return RequestObservabilityASGIMiddleware(application, route=GRAPHQL_PATH)


def load_graphql_endpoint() -> ASGIApp:
    """The endpoint around the subgraph's `settings.GRAPHQL_APPLICATION` (a dotted path)."""
    return graphql_endpoint(import_string(settings.GRAPHQL_APPLICATION))
