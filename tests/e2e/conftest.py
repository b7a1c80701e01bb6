"""One real stack (users, posts, router) per test session, shared by the end-to-end tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import Stack, running_stack

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "schema" / "operations"
# Every committed client operation in one document; a request picks one by operationName,
# exactly as a frontend using schema/operations/ would.
OPERATIONS_DOCUMENT = "\n".join(
    path.read_text() for path in sorted(OPERATIONS_DIR.glob("*.graphql"))
)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture(autouse=True)
def _print_stack_logs_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


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
