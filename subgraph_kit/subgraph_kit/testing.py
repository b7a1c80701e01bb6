"""Test helpers both subgraphs' suites use: minting tokens, a test client that calls `/graphql` as
production serves it, logs."""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
from starlette.types import ASGIApp, Message, Scope

from subgraph_kit.graphql_endpoint import GRAPHQL_PATH, load_graphql_endpoint
from subgraph_kit.settings import CONSOLE_LOG_HANDLER


def mint_token(
    *,
    signing_key: str,
    algorithm: str = "RS256",
    user_id: uuid.UUID | str,
    email: str = "someone@example.com",
    is_staff: bool = False,
    token_type: str = "access",  # noqa: S107 (a claim, not a password)
    issuer: str = "users-subgraph",
    audience: str = "federated-api",
    expires_in: dt.timedelta = dt.timedelta(minutes=5),
    headers: dict[str, Any] | None = None,
    **extra_claims: Any,
) -> str:
    """A token shaped like the users service's, for tests that need one without that service."""
    now = dt.datetime.now(tz=dt.UTC)
    claims = {
        "token_type": token_type,
        "exp": now + expires_in,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "id": str(user_id),
        "email": email,
        "is_staff": is_staff,
        "iss": issuer,
        "aud": audience,
        **extra_claims,
    }
    return jwt.encode(claims, signing_key, algorithm=algorithm, headers=headers)


def asgi_scope(environ: dict[str, Any]) -> Scope:
    """The ASGI scope of the request Django's test client describes as a WSGI environ."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key.removeprefix("HTTP_")
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key
        else:
            continue
        headers.append(
            (name.replace("_", "-").lower().encode("latin-1"), str(value).encode("latin-1"))
        )
    path = environ["PATH_INFO"]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ.get("wsgi.url_scheme", "http"),
        # WSGI carries the path's UTF-8 bytes as latin-1; ASGI carries the decoded path.
        "path": path.encode("latin-1").decode("utf-8"),
        "raw_path": path.encode("latin-1"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "client": (environ.get("REMOTE_ADDR", "127.0.0.1"), 50000),
        "server": (environ["SERVER_NAME"], int(environ["SERVER_PORT"])),
    }


async def call_asgi(application: ASGIApp, scope: Scope, body: bytes) -> HttpResponse:
    """`application`'s answer to one request with `body`, as a Django response for assertions."""
    messages: list[Message] = []
    request_sent = False

    async def receive() -> Message:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        messages.append(message)

    await application(scope, receive, send)
    start = next(message for message in messages if message["type"] == "http.response.start")
    response = HttpResponse(
        b"".join(message.get("body", b"") for message in messages if message is not start),
        status=start["status"],
    )
    fields: dict[str, list[str]] = {}
    for name, value in start.get("headers", ()):
        fields.setdefault(name.decode("latin-1"), []).append(value.decode("latin-1"))
    for name, values in fields.items():
        response.headers[name] = ", ".join(values)
    return response


def post_json(application: ASGIApp, body: str | bytes) -> HttpResponse:
    """POST `body` as JSON to a GraphQL ASGI application on its own (no endpoint layers)."""
    content = body.encode() if isinstance(body, str) else body
    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": GRAPHQL_PATH,
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
    }
    return async_to_sync(call_asgi)(application, scope, content)


class SubgraphClientHandler(ClientHandler):
    """Django's test handler, except that `/graphql` goes to the GraphQL endpoint as production
    builds it (subgraph_kit.graphql_endpoint), not to a Django view.

    As Django's handler does for its views: the request's sync code runs on the test's thread
    (inside the test's transaction), and `request_started`/`request_finished` are sent without
    `close_old_connections`, which would close the test's connection. The endpoint is built for
    each request, so settings a test overrides apply.
    """

    def __call__(self, environ: dict[str, Any]) -> HttpResponse:
        if environ["PATH_INFO"] != GRAPHQL_PATH:
            return super().__call__(environ)
        request_started.disconnect(close_old_connections)
        request_started.send(sender=self.__class__, environ=environ)
        request_started.connect(close_old_connections)
        try:
            response = async_to_sync(self.call_graphql_endpoint)(environ)
        finally:
            request_finished.disconnect(close_old_connections)
            request_finished.send(sender=self.__class__)
            request_finished.connect(close_old_connections)
        response.wsgi_request = WSGIRequest(environ)
        return response

    async def call_graphql_endpoint(self, environ: dict[str, Any]) -> HttpResponse:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        return await call_asgi(load_graphql_endpoint(), asgi_scope(environ), body)


class SubgraphClient(Client):
    """Django's test client with `/graphql` served as in production (SubgraphClientHandler): the
    services' `client` fixture."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handler = SubgraphClientHandler(self.handler.enforce_csrf_checks)


@pytest.fixture(name="client")
def subgraph_client() -> SubgraphClient:
    """The `client` fixture of the kit's and the services' suites (imported by their conftest):
    Django's test client, with `/graphql` served as in production."""
    return SubgraphClient()


def execute_graphql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    access_token: str | None = None,
    path: str = "/graphql",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST an operation to the real GraphQL endpoint, as the router would; the JSON body."""
    request_headers = dict(headers or {})
    if access_token is not None:
        request_headers["Authorization"] = f"Bearer {access_token}"
    response = client.post(
        path,
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        headers=request_headers,
    )
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


@contextmanager
def captured_logs(level: int = logging.DEBUG) -> Iterator[io.StringIO]:
    """Everything the service logs while the block runs, as its configured handler writes it.

    The root logger goes down to `level` for the block; loggers the settings give a level of
    their own keep it, as they would in production.
    """
    root = logging.getLogger()
    handler = next(
        handler
        for handler in root.handlers
        if isinstance(handler, logging.StreamHandler) and handler.name == CONSOLE_LOG_HANDLER
    )
    output = io.StringIO()
    previous_stream = handler.setStream(output)
    previous_level = root.level
    root.setLevel(level)
    try:
        yield output
    finally:
        root.setLevel(previous_level)
        handler.setStream(previous_stream)
