"""Test helpers both subgraphs' suites use: minting tokens, calling the real GraphQL view, logs."""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from django.test import Client

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


def execute_graphql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    access_token: str | None = None,
    path: str = "/graphql",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST an operation to the real GraphQL view, as the router would, and return the JSON body."""
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
