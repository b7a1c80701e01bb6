"""Malformed and hostile requests, each sent through the router and straight to a subgraph.

Every one must be refused as the client's mistake: an HTTP 4xx, or a GraphQL error that is not
an unexpected (masked) one; never a 5xx, a stack trace or SQL. Where the right error code is
known (BAD_USER_INPUT for a NUL character, a non-UUID id, an out-of-range `first`), it is checked.
Run on PostgreSQL too (CI does): it refuses NUL characters in text, SQLite does not.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import RATE_LIMITS_OFF, response_problems, subgraph_headers
from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import Stack

# Replaced by the id of a post the signed-in caller owns, once the stack runs.
OWN_POST_ID = "00000000-0000-4000-8000-00000000c0de"
ONE_MEGABYTE = 1024 * 1024
# Deep enough for Python's JSON parser to give up (about 1 000 levels), small enough to stay
# under the router's body size limit: the nesting is what is tested, not the size.
NESTING_LEVELS = 10_000

CREATE_POST = "mutation ($input: CreatePostInput!) { createPost(input: $input) { id title } }"
UPDATE_POST = (
    "mutation ($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id } }"
)
SIGNUP = "mutation ($input: SignupInput!) { signup(input: $input) { access } }"
LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { access } }"
MY_POSTS = "query ($first: Int) { myPosts(first: $first) { totalCount } }"


@dataclass(frozen=True)
class BadRequest:
    """One request body, the subgraph that would serve it, and the error codes it may earn."""

    service: str
    body: bytes
    content_type: str | None = "application/json"
    # When set, a GraphQL answer's errors must all carry one of these codes.
    codes: frozenset[str] | None = None


def operation(
    service: str, query: str, variables: dict[str, Any] | None = None, *codes: str
) -> BadRequest:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    return BadRequest(service, body, codes=frozenset(codes) or None)


def raw(service: str, body: str | bytes, content_type: str | None = "application/json"):
    return BadRequest(service, body.encode() if isinstance(body, str) else body, content_type)


def nested_variable(opening: str, closing: str) -> bytes:
    """createPost with `input.title` nested NESTING_LEVELS deep (the JSON is built as text:
    Python's own encoder refuses such depth)."""
    nested = opening * NESTING_LEVELS + '"title"' + closing * NESTING_LEVELS
    query = json.dumps(CREATE_POST)
    return f'{{"query": {query}, "variables": {{"input": {{"title": {nested}}}}}}}'.encode()


BAD_REQUESTS = {
    # The body is not a GraphQL request.
    "invalid JSON": raw("posts", '{"query": "{ myPosts { totalCount } "'),
    "empty body": raw("posts", b""),
    "text/plain body": raw("posts", '{"query": "{ myPosts { totalCount } }"}', "text/plain"),
    "no content type": raw("users", '{"query": "{ me { id } }"}', None),
    "JSON null body": raw("posts", "null"),
    "JSON string body": raw("users", '"{ me { id } }"'),
    "batch over the router's limit": raw("users", json.dumps([{"query": "{ me { id } }"}] * 11)),
    # Operation types the schema lacks.
    "subscription": operation("users", "subscription { me { id } }"),
    "subscription to an unknown field": operation("posts", "subscription Live { postAdded }"),
    "deeply nested lists in variables": raw("posts", nested_variable("[", "]")),
    "deeply nested objects in variables": raw("posts", nested_variable('{"a":', "}")),
    "deeply nested query document": raw(
        "posts",
        json.dumps({"query": "{ post(id: " + "[" * 5000 + '"x"' + "]" * 5000 + ") { id } }"}),
    ),
    # Huge strings: the router's body limit (413) or the service's own length check.
    "1 MB title": operation(
        "posts", CREATE_POST, {"input": {"title": "t" * ONE_MEGABYTE}}, "BAD_USER_INPUT"
    ),
    "1 MB email": operation(
        "users",
        SIGNUP,
        {"input": {"email": "e" * ONE_MEGABYTE + "@example.com", "password": PASSWORD}},
        "BAD_USER_INPUT",
    ),
    "1 MB password": operation(
        "users",
        LOGIN,
        {"input": {"email": "someone@example.com", "password": "p" * ONE_MEGABYTE}},
        "UNAUTHENTICATED",
    ),
    # Ids that are not UUIDs.
    "non-UUID post id": operation("posts", '{ post(id: "42") { id } }', None, "BAD_USER_INPUT"),
    "non-UUID id to update": operation(
        "posts", UPDATE_POST, {"id": "1 OR 1=1", "input": {"title": "x"}}, "BAD_USER_INPUT"
    ),
    "non-UUID id to delete": operation(
        "posts", 'mutation { deletePost(id: "../../etc/passwd") }', None, "BAD_USER_INPUT"
    ),
    "non-UUID author id": operation(
        "posts", '{ posts(authorId: "me") { totalCount } }', None, "BAD_USER_INPUT", "FORBIDDEN"
    ),
    "non-UUID entity id": operation(
        "posts", '{ _entities(representations: [{__typename: "Post", id: "x"}]) { __typename } }'
    ),
    # `first` out of range, as a literal and as a variable; beyond 32 bits it is no GraphQL Int.
    "first -1": operation("posts", "{ myPosts(first: -1) { totalCount } }", None, "BAD_USER_INPUT"),
    "first 0 in a variable": operation("posts", MY_POSTS, {"first": 0}, "BAD_USER_INPUT"),
    "first 2147483647": operation(
        "posts", "{ myPosts(first: 2147483647) { totalCount } }", None, "BAD_USER_INPUT"
    ),
    "first 2147483648": operation("posts", "{ myPosts(first: 2147483648) { totalCount } }"),
    "first 2147483648 in a variable": operation("posts", MY_POSTS, {"first": 2147483648}),
    "first -2147483649 in a variable": operation("posts", MY_POSTS, {"first": -2147483649}),
    # Fields and arguments the schema does not have.
    "unknown field": operation("users", "{ me { id password } }"),
    "unknown argument": operation("posts", "{ myPosts(last: 5) { totalCount } }"),
    "unknown input field": operation(
        "posts", CREATE_POST, {"input": {"title": "t", "author": str(uuid.uuid4())}}
    ),
    # Variables of the wrong type, or missing.
    "string for an Int": operation("posts", MY_POSTS, {"first": "ten"}),
    "float for an Int": operation("posts", MY_POSTS, {"first": 1.5}),
    "string for an input object": operation("posts", CREATE_POST, {"input": "a title"}),
    "list for an input object": operation("posts", CREATE_POST, {"input": [{"title": "t"}]}),
    "object for an ID": operation(
        "posts", UPDATE_POST, {"id": {"id": OWN_POST_ID}, "input": {"title": "t"}}
    ),
    "boolean for a String": operation("posts", CREATE_POST, {"input": {"title": True}}),
    "missing required variable": operation("posts", CREATE_POST, {}),
    "null for a non-null field": operation("posts", CREATE_POST, {"input": {"title": None}}),
    # NUL characters: PostgreSQL text cannot hold them.
    "NUL in a title": operation(
        "posts", CREATE_POST, {"input": {"title": "before\x00after"}}, "BAD_USER_INPUT"
    ),
    "NUL in a description": operation(
        "posts",
        CREATE_POST,
        {"input": {"title": "t", "description": "\x00"}},
        "BAD_USER_INPUT",
    ),
    "NUL in an updated title": operation(
        "posts", UPDATE_POST, {"id": OWN_POST_ID, "input": {"title": "x\x00"}}, "BAD_USER_INPUT"
    ),
    "NUL escaped in a literal": operation(
        "posts",
        'mutation { createPost(input: {title: "a\\u0000b"}) { id } }',
        None,
        "BAD_USER_INPUT",
    ),
    "NUL in a signup email": operation(
        "users",
        SIGNUP,
        {"input": {"email": "nul\x00@example.com", "password": PASSWORD}},
        "BAD_USER_INPUT",
    ),
    "NUL in a signup password": operation(
        "users",
        SIGNUP,
        {
            "input": {
                "email": f"nul-{uuid.uuid4().hex[:8]}@example.com",
                "password": PASSWORD + "\x00",
            }
        },
        "BAD_USER_INPUT",
    ),
    "NUL in a login email": operation(
        "users", LOGIN, {"input": {"email": "\x00", "password": PASSWORD}}, "BAD_USER_INPUT"
    ),
    "NUL in a refresh token": operation(
        "users",
        "mutation ($refresh: String!) { refreshToken(refresh: $refresh) { access } }",
        {"refresh": "eyJ\x00"},
        "BAD_USER_INPUT",
    ),
}


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    # Sign-ups and logins here test input handling, not the rate limits.
    env = {"ROUTER_SHARED_SECRET": "bad-input-" + uuid.uuid4().hex}
    return {**env, **RATE_LIMITS_OFF}


@pytest.fixture(scope="module")
def viewer(stack: Stack) -> dict[str, str]:
    """A signed-in caller and the id of a post they own."""
    tokens = signup(stack)
    created = call(stack, "CreatePost", {"input": {"title": "Mine"}}, access_token=tokens["access"])
    return {"access": tokens["access"], "post_id": created["data"]["createPost"]["id"]}


@pytest.mark.parametrize("via", ["router", "subgraph"])
@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_bad_input_is_refused_as_a_client_error(
    stack: Stack, viewer: dict[str, str], name: str, via: str
) -> None:
    request = BAD_REQUESTS[name]
    headers = {"Authorization": f"Bearer {viewer['access']}"}
    if request.content_type:
        headers["Content-Type"] = request.content_type
    if via == "router":
        url = f"{stack.router_url}/graphql"
    else:
        url = f"{stack.subgraph_url(request.service)}/graphql"
        headers.update(subgraph_headers(stack))
    body = request.body.replace(OWN_POST_ID.encode(), viewer["post_id"].encode())

    response = httpx.post(url, content=body, headers=headers, timeout=30)

    assert response_problems(response.status_code, response.content) == [], response.text[:1000]
    if 400 <= response.status_code < 500:
        return
    assert response.status_code == 200
    answer = response.json()
    assert answer.get("errors"), f"accepted: {response.text[:500]}"
    if request.codes is not None:
        assert set(error_codes(answer)) <= request.codes, answer


# Variables the operation cannot run with: the router refuses them before any subgraph call.
VARIABLE_VALUE_ERRORS = [
    "first 2147483648 in a variable",
    "first -2147483649 in a variable",
    "unknown input field",
    "string for an Int",
    "float for an Int",
    "string for an input object",
    "list for an input object",
    "object for an ID",
    "boolean for a String",
    "missing required variable",
    "null for a non-null field",
]


@pytest.mark.parametrize("name", VARIABLE_VALUE_ERRORS)
@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
def test_a_variable_the_operation_cannot_use_is_bad_user_input(
    stack: Stack, viewer: dict[str, str], name: str, accept: str
) -> None:
    request = BAD_REQUESTS[name]
    headers = {
        "Authorization": f"Bearer {viewer['access']}",
        "Content-Type": "application/json",
        "Accept": accept,
    }
    body = request.body.replace(OWN_POST_ID.encode(), viewer["post_id"].encode())

    response = httpx.post(f"{stack.router_url}/graphql", content=body, headers=headers, timeout=30)

    assert response.status_code in (200, 400), response.text[:500]
    answer = response.json()
    assert "data" not in answer or answer["data"] is None, answer
    assert answer["errors"], answer
    assert set(error_codes(answer)) == {"BAD_USER_INPUT"}, answer
    assert all(error["message"].startswith('Variable "$') for error in answer["errors"]), answer


def test_the_post_kept_its_title(stack: Stack, viewer: dict[str, str]) -> None:
    """None of the refused updates changed anything."""
    answer = call(stack, "Post", {"id": viewer["post_id"]}, access_token=viewer["access"])
    assert answer["data"]["post"]["title"] == "Mine"
