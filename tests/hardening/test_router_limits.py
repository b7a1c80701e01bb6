"""What one request may ask of the router, through the real stack (values: router/settings.ts).

An operation over a limit (depth, tokens, aliases, directives, body size, page size, estimated
cost) is refused with an error naming the limit, and no subgraph is called. A subgraph that does
not answer is abandoned after the subgraph timeout; the router tells the subgraphs the client's
address, whatever the client claims.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.client import call, signup
from tests.support.stack import Stack

SUBGRAPH_TIMEOUT_MS = 1500
# The brief's example of an operation that fans out: 100 posts, each author's 100 posts.
NESTED_LISTS = (
    "{ posts(first: 100) { edges { node { author {"
    " posts(first: 100) { edges { node { title } } } } } } } }"
)
# Within the depth limit (7), priced at 10 401: 100 x 100 edges under 100 authors.
NESTED_LISTS_WITHIN_DEPTH = (
    "{ posts(first: 100) { edges { node { author { posts(first: 100) { edges { cursor } } } } } } }"
)
MY_POSTS_PAGE = "{ myPosts(first: 20) { edges { node { title author { email } } } } }"


@pytest.fixture(scope="module")
def viewer(stack: Stack) -> dict[str, Any]:
    tokens = signup(stack)
    for title in ("First", "Second"):
        call(stack, "CreatePost", {"input": {"title": title}}, access_token=tokens["access"])
    return tokens


LIMITS = {
    "depth": (NESTED_LISTS, {}, "Query depth limit of 7 exceeded"),
    "tokens": ("{ me { id" + " __typename" * 1000 + " } }", {}, "Token limit of 1000 exceeded"),
    "aliases": (
        "{ " + " ".join(f"me{index}: me {{ id }}" for index in range(11)) + " }",
        {},
        "Aliases limit of 10 exceeded",
    ),
    "directives": (
        "{ me { " + "__typename @include(if: true) " * 11 + "} }",
        {},
        "Directives limit of 10 exceeded",
    ),
    "cost": (NESTED_LISTS_WITHIN_DEPTH, {}, "Query cost limit of 1000 exceeded"),
    "page size": (
        "{ myPosts(first: 101) { totalCount } }",
        {},
        '"first" must be between 1 and 100',
    ),
    "page size in a variable": (
        "query($first: Int) { myPosts(first: $first) { totalCount } }",
        {"first": 500},
        '"first" must be between 1 and 100',
    ),
    "page size of an entity's list": (
        "{ me { posts(first: 1000) { totalCount } } }",
        {},
        '"first" must be between 1 and 100',
    ),
}


@pytest.mark.parametrize(("query", "variables", "message"), LIMITS.values(), ids=LIMITS.keys())
def test_operation_over_a_limit_is_refused_before_any_subgraph_is_called(
    stack: Stack, viewer: dict[str, Any], query: str, variables: dict[str, Any], message: str
) -> None:
    requests_before = stack.subgraph_requests()
    response = stack.graphql(query, variables, access_token=viewer["access"])
    body = response.json()
    assert body.get("data") is None, body
    assert [message in error["message"] for error in body["errors"]] == [True], body
    assert stack.subgraph_requests() == requests_before


def test_a_page_of_posts_with_authors_is_well_within_the_limits(
    stack: Stack, viewer: dict[str, Any]
) -> None:
    body = stack.graphql(MY_POSTS_PAGE, access_token=viewer["access"]).json()
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["myPosts"]["edges"]]
    assert [node["title"] for node in nodes] == ["First", "Second"]
    assert {node["author"]["email"] for node in nodes} == {viewer["user"]["email"]}


def test_request_body_over_the_limit_is_refused_with_413(stack: Stack) -> None:
    writer = signup(stack)
    create_post = "mutation($input: CreatePostInput!) { createPost(input: $input) { id } }"
    long_enough = {"input": {"title": "Long read", "description": "x" * 50 * 1024}}
    # Under the router's limit, the request reaches the posts subgraph, whose own, smaller limit
    # on a description answers.
    accepted = stack.graphql(create_post, long_enough, access_token=writer["access"])
    assert accepted.status_code == 200
    assert [error["extensions"]["code"] for error in accepted.json()["errors"]] == [
        "BAD_USER_INPUT"
    ], accepted.text[:300]

    requests_before = stack.subgraph_requests()
    too_long = {"input": {"title": "Too long", "description": "x" * 100 * 1024}}
    refused = stack.graphql(create_post, too_long, access_token=writer["access"])
    assert refused.status_code == 413
    assert "Request body too large" in refused.json()["errors"][0]["message"]

    # Without Content-Length (chunked), the body is read up to the limit and no further.
    def chunked_body() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"padding": "'
        for _ in range(20):
            yield b"x" * 8 * 1024
        yield b'"}}'

    chunked = httpx.post(
        f"{stack.router_url}/graphql",
        content=chunked_body(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert chunked.status_code == 413
    assert stack.subgraph_requests() == requests_before


class UnansweringSubgraph:
    """A stand-in subgraph: accepts connections, records each request's headers, never answers."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/graphql"
        self.request_headers: list[dict[str, str]] = []
        self._connections: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> UnansweringSubgraph:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        for connection in [*self._connections, self._listener]:
            connection.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._connections.append(connection)
            self.request_headers.append(self._read_headers(connection))

    @staticmethod
    def _read_headers(connection: socket.socket) -> dict[str, str]:
        connection.settimeout(5)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk:
                break
            head += chunk
        lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
        return {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in lines if ":" in line)
        }


@pytest.fixture(scope="module")
def unanswering_users() -> Iterator[UnansweringSubgraph]:
    with UnansweringSubgraph() as subgraph:
        yield subgraph


@pytest.fixture(scope="module")
def router_with_hanging_users(stack: Stack, unanswering_users: UnansweringSubgraph) -> str:
    """A second router on the same posts subgraph, whose users subgraph never answers."""
    return stack.start_router(
        "router-hanging-users",
        {
            "USERS_SUBGRAPH_URL": unanswering_users.url,
            "ROUTER_SUBGRAPH_TIMEOUT_MS": str(SUBGRAPH_TIMEOUT_MS),
        },
    )


def test_a_subgraph_that_does_not_answer_is_cut_off_after_the_timeout(
    stack: Stack, viewer: dict[str, Any], router_with_hanging_users: str
) -> None:
    started = time.monotonic()
    response = stack.graphql(
        MY_POSTS_PAGE, access_token=viewer["access"], url=f"{router_with_hanging_users}/graphql"
    )
    elapsed = time.monotonic() - started

    assert elapsed < SUBGRAPH_TIMEOUT_MS / 1000 + 3, elapsed
    # The posts are there; only their authors (from users) are missing, with the reason.
    assert response.status_code == 200
    body = response.json()
    nodes = [edge["node"] for edge in body["data"]["myPosts"]["edges"]]
    assert [node["title"] for node in nodes] == ["First", "Second"]
    assert [node["author"] for node in nodes] == [None, None]
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GATEWAY_TIMEOUT"
    assert error["extensions"]["serviceName"] == "users"
    # The router's own call (internal URL, body) stays out of the client's answer.
    assert set(error["extensions"]) == {"code", "serviceName"}


def test_subgraphs_get_the_client_address_the_router_saw_not_the_one_claimed(
    stack: Stack, router_with_hanging_users: str, unanswering_users: UnansweringSubgraph
) -> None:
    claimed = "203.0.113.7"
    unanswering_users.request_headers.clear()
    stack.graphql(
        "{ me { id } }",
        url=f"{router_with_hanging_users}/graphql",
        headers={"X-Client-IP": claimed, "X-Forwarded-For": claimed, "X-Real-IP": claimed},
    )
    [headers] = unanswering_users.request_headers
    assert headers["x-client-ip"] == "127.0.0.1"
    assert "x-forwarded-for" not in headers
    assert "x-real-ip" not in headers
    assert claimed not in headers.values()


@pytest.fixture(scope="module")
def router_behind_a_proxy(stack: Stack, unanswering_users: UnansweringSubgraph) -> str:
    """A router told that 127.0.0.1 (this test, playing a load balancer) is a trusted proxy."""
    return stack.start_router(
        "router-behind-proxy",
        {
            "USERS_SUBGRAPH_URL": unanswering_users.url,
            "ROUTER_SUBGRAPH_TIMEOUT_MS": str(SUBGRAPH_TIMEOUT_MS),
            "ROUTER_TRUSTED_PROXIES": "127.0.0.1, 192.0.2.10",
        },
    )


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        # The proxy appended the address it saw; whatever the client wrote before it is ignored.
        ("198.51.100.9, 203.0.113.7", "203.0.113.7"),
        # Two trusted proxies in a row: the address the outer one saw.
        ("198.51.100.9, 203.0.113.7, 192.0.2.10", "203.0.113.7"),
    ],
)
def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(
    stack: Stack,
    router_behind_a_proxy: str,
    unanswering_users: UnansweringSubgraph,
    forwarded_for: str,
    client: str,
) -> None:
    unanswering_users.request_headers.clear()
    stack.graphql(
        "{ me { id } }",
        url=f"{router_behind_a_proxy}/graphql",
        headers={"X-Forwarded-For": forwarded_for},
    )
    [headers] = unanswering_users.request_headers
    assert headers["x-client-ip"] == client
    assert "x-forwarded-for" not in headers
