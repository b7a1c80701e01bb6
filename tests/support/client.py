"""Calls through the router as a frontend makes them: committed operations, sign-up, error codes."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.stack import REPO_ROOT, Stack

OPERATIONS_DIR = REPO_ROOT / "schema" / "operations"
# Every committed client operation in one document; a request picks one by operationName,
# exactly as a frontend using schema/operations/ would.
OPERATIONS_DOCUMENT = "\n".join(
    path.read_text() for path in sorted(OPERATIONS_DIR.glob("*.graphql"))
)
PASSWORD = "correct horse battery staple"


def call(
    stack: Stack,
    operation_name: str,
    variables: dict[str, Any] | None = None,
    *,
    access_token: str | None = None,
) -> dict[str, Any]:
    """Send a committed operation through the router; return the JSON body (HTTP 200 expected)."""
    response = stack.graphql(
        OPERATIONS_DOCUMENT,
        variables,
        access_token=access_token,
        operation_name=operation_name,
    )
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def signup(stack: Stack, email: str | None = None) -> dict[str, Any]:
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    body = call(stack, "Signup", {"input": {"email": email, "password": PASSWORD}})
    assert "errors" not in body, body
    return body["data"]["signup"]
