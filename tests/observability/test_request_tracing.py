"""One request id follows a request through the router and every subgraph it calls.

The stack runs as in production (DEBUG off): the subgraphs write one JSON object per log line,
each with the service's name and the request id, so that an operator can follow a request from
the router's log line to each subgraph call it made.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.client import OPERATIONS_DOCUMENT, PASSWORD, call, signup
from tests.support.stack import Stack, running_stack

SUBGRAPHS = ("users", "posts")
REQUEST_ID_HEADER = "x-request-id"
LOG_WAIT_SECONDS = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    router_secret = {"ROUTER_SHARED_SECRET": secrets.token_urlsafe(32)}
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=router_secret) as running:
        yield running


@pytest.fixture(scope="module")
def author(stack: Stack) -> dict[str, Any]:
    tokens = signup(stack)
    call(stack, "CreatePost", {"input": {"title": "Traced"}}, access_token=tokens["access"])
    return tokens


def my_posts(stack: Stack, author: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """`myPosts` from posts, each author's email from users' `_entities`: both subgraphs."""
    response = stack.graphql(
        OPERATIONS_DOCUMENT,
        operation_name="MyPosts",
        access_token=author["access"],
        headers=headers,
    )
    assert response.status_code == 200, response.text
    edges = response.json()["data"]["myPosts"]["edges"]
    assert edges[0]["node"]["author"]["email"] == author["user"]["email"]
    return response


def log_lines(stack: Stack, service: str) -> list[dict[str, Any]]:
    """Every line of a subgraph's log, each of which must be a JSON object."""
    text = stack.services[service].log_path.read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_for(found: Any, description: str) -> Any:
    """Poll `found()` until it returns something truthy: log lines land a moment after responses."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while not (result := found()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not found after {LOG_WAIT_SECONDS}s: {description}")
        time.sleep(0.1)
    return result


def subgraph_lines(stack: Stack, service: str, request_id: str) -> list[dict[str, Any]]:
    return wait_for(
        lambda: [line for line in log_lines(stack, service) if line["request_id"] == request_id],
        f"{request_id} in the {service} log",
    )


# What each subgraph is asked for `MyPosts`, named by its root fields (the router's subgraph
# operations are anonymous).
SUBGRAPH_OPERATIONS = {"posts": "{myPosts}", "users": "{_entities}"}


def assert_followed_through_every_service(stack: Stack, request_id: str) -> None:
    for service in SUBGRAPHS:
        lines = subgraph_lines(stack, service, request_id)
        request_lines = [line for line in lines if line["logger"] == "subgraph_kit.requests"]
        assert len(request_lines) == 1, lines
        (request_line,) = request_lines
        assert request_line["message"].startswith("POST /graphql 200 ")
        assert request_line["service"] == service
        assert request_line["graphql_operation"] == SUBGRAPH_OPERATIONS[service]
        assert request_line["graphql_outcome"] == "ok"
    router_log = stack.services["router"].log_path
    wait_for(lambda: request_id in router_log.read_text(), f"{request_id} in the router log")


def test_the_clients_request_id_is_logged_by_the_router_and_both_subgraphs(stack, author):
    request_id = f"trace-{uuid.uuid4()}"
    response = my_posts(stack, author, {REQUEST_ID_HEADER: request_id})
    assert response.headers[REQUEST_ID_HEADER] == request_id
    assert_followed_through_every_service(stack, request_id)


def test_without_a_client_id_the_routers_generated_id_is_used_everywhere(stack, author):
    response = my_posts(stack, author, {})
    request_id = response.headers[REQUEST_ID_HEADER]
    assert uuid.UUID(request_id)
    assert_followed_through_every_service(stack, request_id)


def test_every_subgraph_log_line_is_json_with_the_service_and_a_request_id(stack, author):
    my_posts(stack, author, {})
    for service in SUBGRAPHS:
        lines = log_lines(stack, service)
        # uvicorn's start-up lines included.
        assert any(line["logger"].startswith("uvicorn") for line in lines)
        for line in lines:
            assert {"timestamp", "level", "logger", "message", "request_id"} <= line.keys()
            assert line["service"] == service


def test_no_password_or_token_is_logged_by_any_service(stack, author):
    my_posts(stack, author, {})
    for service in (*SUBGRAPHS, "router"):
        log = stack.services[service].log_path.read_text()
        for secret in (PASSWORD, author["access"], author["refresh"]):
            assert secret not in log, service
