"""A plain HTTP client (curl, as in docs/clients.md): a JSON POST per core operation, and a
query as GET with its parameters in the URL."""

from __future__ import annotations

import json
import subprocess
from typing import Any
from urllib.parse import urlencode

from tests.clients.conftest import PASSWORD, Stack, new_email


def curl(*arguments: str) -> tuple[int, dict[str, Any]]:
    """Run curl; return the HTTP status and the JSON body."""
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--write-out", "\n%{http_code}", *arguments],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, status = result.stdout.rsplit("\n", 1)
    return int(status), json.loads(body)


def post(stack: Stack, query: str, variables: dict[str, Any], access_token: str = "") -> Any:
    headers = ["-H", "content-type: application/json"]
    if access_token:
        headers += ["-H", f"authorization: Bearer {access_token}"]
    status, body = curl(
        f"{stack.router_url}/graphql",
        *headers,
        "--data",
        json.dumps({"query": query, "variables": variables}),
    )
    assert status == 200, f"curl: expected 200 for {query!r}, got {status}: {body}"
    assert "errors" not in body, f"curl: expected no errors for {query!r}: {body}"
    return body["data"]


def test_curl_runs_each_core_operation_as_a_json_post(stack: Stack) -> None:
    email = new_email("curl")
    credentials = {"input": {"email": email, "password": PASSWORD}}
    post(stack, "mutation($input: SignupInput!) { signup(input: $input) { access } }", credentials)
    login = post(
        stack,
        "mutation($input: LoginInput!) { login(input: $input) { access refresh } }",
        credentials,
    )["login"]
    token = login["access"]
    created = post(
        stack,
        "mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }",
        {"input": {"title": "From curl"}},
        token,
    )["createPost"]
    page = post(
        stack,
        "{ myPosts(first: 10) { totalCount edges { node { id author { email } } } } }",
        {},
        token,
    )["myPosts"]
    assert page["totalCount"] == 1
    assert page["edges"][0]["node"] == {"id": created["id"], "author": {"email": email}}
    assert post(stack, "{ me { email } }", {}, token) == {"me": {"email": email}}
    refreshed = post(
        stack,
        "mutation($refresh: String!) { refreshToken(refresh: $refresh) { access refresh } }",
        {"refresh": login["refresh"]},
    )["refreshToken"]
    assert post(
        stack,
        "mutation($refresh: String!) { logout(refresh: $refresh) }",
        {"refresh": refreshed["refresh"]},
    ) == {"logout": True}


def test_curl_sends_a_query_as_get_without_extra_headers(stack: Stack) -> None:
    email = new_email("curl-get")
    credentials = {"input": {"email": email, "password": PASSWORD}}
    signup = "mutation($input: SignupInput!) { signup(input: $input) { access } }"
    token = post(stack, signup, credentials)["signup"]["access"]
    parameters = urlencode({"query": "{ me { email } }"})
    status, body = curl(
        f"{stack.router_url}/graphql?{parameters}", "-H", f"authorization: Bearer {token}"
    )
    assert (status, body) == (200, {"data": {"me": {"email": email}}}), (
        f"curl: expected a GET query without a CSRF header to be answered, got {status}: {body}"
    )
