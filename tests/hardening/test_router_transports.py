"""What the router accepts besides one JSON operation per request, through the real stack.

- Operation types the schema lacks (subscription): refused before planning, 400
  GRAPHQL_VALIDATION_FAILED naming the type, and no error-level log line.
- WebSocket and Server-Sent Events: closed (the API has no subscriptions).
- Batches: up to ROUTER_MAX_BATCH_OPERATIONS operations, each checked by every limit, rate-limited
  and logged as if sent alone; more is one 400 naming the limit, and nothing runs.
- APQ: a hash that is not the document's is refused; a document registered by hash goes through
  the limits again when it runs by hash.
- Trusted documents (ROUTER_TRUSTED_DOCUMENTS=only-trusted): only the manifest's operations run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import socket
import uuid
from typing import Any

import httpx
import pytest

from tests.support.client import PASSWORD, signup
from tests.support.stack import REPO_ROOT, Stack

MAX_BATCH_OPERATIONS = 4
LOGINS_PER_CLIENT = 3
MANIFEST = json.loads((REPO_ROOT / "schema" / "persisted-query-manifest.json").read_text())


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {
        "ROUTER_SHARED_SECRET": secrets.token_urlsafe(32),
        "ROUTER_MAX_BATCH_OPERATIONS": str(MAX_BATCH_OPERATIONS),
        "RATE_LIMIT_LOGIN_PER_CLIENT": f"{LOGINS_PER_CLIENT}/hour",
    }


@pytest.fixture(scope="module")
def trusted_only_router(stack: Stack) -> str:
    return stack.start_router("router-trusted", {"ROUTER_TRUSTED_DOCUMENTS": "only-trusted"})


def graphql_url(stack: Stack) -> str:
    return f"{stack.router_url}/graphql"


def router_log(stack: Stack) -> list[dict[str, Any]]:
    """The main router's log lines (JSON, production mode)."""
    lines = stack.services["router"].log_path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def by_hash(document_hash: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash}}}


def codes(answer: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in answer.get("errors") or []]


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_subscription_is_refused_before_planning_without_an_error_log(
    stack: Stack, method: str
) -> None:
    log_lines_before = len(router_log(stack))
    requests_before = stack.subgraph_requests()
    query = "subscription { me { id } }"
    # Accept: application/json, where other invalid operations get 200 (GraphQL over HTTP).
    headers = {"Accept": "application/json"}
    if method == "POST":
        response = httpx.post(graphql_url(stack), json={"query": query}, headers=headers)
    else:
        response = httpx.get(graphql_url(stack), params={"query": query}, headers=headers)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "no Subscription type" in error["message"]
    assert stack.subgraph_requests() == requests_before
    new_lines = router_log(stack)[log_lines_before:]
    assert [line for line in new_lines if line.get("level") == "error"] == []


@pytest.mark.parametrize("accept", ["text/event-stream", "multipart/mixed"])
def test_server_sent_events_and_multipart_are_refused(stack: Stack, accept: str) -> None:
    requests_before = stack.subgraph_requests()
    response = httpx.post(
        graphql_url(stack), json={"query": "{ me { id } }"}, headers={"Accept": accept}
    )
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "STREAMING_NOT_SUPPORTED"
    get = httpx.get(
        graphql_url(stack), params={"query": "{ me { id } }"}, headers={"Accept": accept}
    )
    assert get.status_code == 406
    assert stack.subgraph_requests() == requests_before


@pytest.mark.parametrize("origin", [None, "https://attacker.example", "http://127.0.0.1:5173"])
def test_a_websocket_upgrade_is_refused(stack: Stack, origin: str | None) -> None:
    """The graphql-transport-ws handshake, as graphql-ws sends it: no 101 Switching Protocols."""
    port = stack.ports["router"]
    lines = [
        "GET /graphql HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: graphql-transport-ws",
        *([f"Origin: {origin}"] if origin else []),
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            answer = connection.recv(4096).decode(errors="replace")
        except ConnectionResetError:
            answer = ""
    assert not answer.startswith("HTTP/1.1 101"), answer


def test_a_batch_over_the_limit_is_one_400_naming_it_and_runs_nothing(stack: Stack) -> None:
    requests_before = stack.subgraph_requests()
    batch = [{"query": "{ me { id } }"}] * (MAX_BATCH_OPERATIONS + 1)
    response = httpx.post(graphql_url(stack), json=batch)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BATCH_LIMIT_EXCEEDED"
    assert f"at most {MAX_BATCH_OPERATIONS} operations per request" in error["message"]
    assert stack.subgraph_requests() == requests_before


def test_each_operation_of_a_batch_is_checked_by_the_limits_and_logged(stack: Stack) -> None:
    viewer = signup(stack)
    log_lines_before = len(router_log(stack))
    too_deep = (
        "query TooDeep { myPosts { edges { node { author { posts { edges { node { author"
        " { email } } } } } } } } }"
    )
    batch = [
        {"query": "query Mine { me { email } }"},
        {"query": too_deep},
        {"query": "query Page { myPosts(first: 500) { totalCount } }"},
    ]
    response = httpx.post(
        graphql_url(stack), json=batch, headers={"Authorization": f"Bearer {viewer['access']}"}
    )
    assert response.status_code == 200
    mine, deep, page = response.json()
    assert mine == {"data": {"me": {"email": viewer["user"]["email"]}}}
    assert "Query depth limit of 7 exceeded" in deep["errors"][0]["message"]
    assert codes(page) == ["BAD_USER_INPUT"]
    logged = [
        (line["operationName"], line["outcome"])
        for line in router_log(stack)[log_lines_before:]
        if line.get("msg") == "request completed"
    ]
    assert logged == [("Mine", "success"), ("TooDeep", "error"), ("Page", "error")]


def test_each_login_of_a_batch_counts_against_the_rate_limit(stack: Stack) -> None:
    email = f"batch-{uuid.uuid4().hex[:12]}@example.com"
    credentials = {"input": {"email": email, "password": PASSWORD}}
    signup_mutation = "mutation ($input: SignupInput!) { signup(input: $input) { access } }"
    assert "errors" not in stack.graphql(signup_mutation, credentials).json()
    login = {
        "query": "mutation ($input: LoginInput!) { login(input: $input) { access } }",
        "variables": credentials,
    }
    answers = httpx.post(graphql_url(stack), json=[login] * MAX_BATCH_OPERATIONS).json()
    # The operations of a batch run concurrently: which ones are refused is not fixed.
    outcomes = sorted(tuple(codes(answer)) for answer in answers)
    refused = MAX_BATCH_OPERATIONS - LOGINS_PER_CLIENT
    assert outcomes == [()] * LOGINS_PER_CLIENT + [("RATE_LIMITED",)] * refused


def test_apq_refuses_a_hash_that_is_not_the_documents(stack: Stack) -> None:
    query = "query Mine { me { id } }"
    wrong_hash = sha256(query + " ")
    mismatch = httpx.post(graphql_url(stack), json={"query": query, **by_hash(wrong_hash)})
    assert mismatch.status_code == 400
    assert codes(mismatch.json()) == ["PERSISTED_QUERY_MISMATCH"]
    # Nothing was stored under the wrong hash.
    later = httpx.post(graphql_url(stack), json=by_hash(wrong_hash)).json()
    assert codes(later) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_document_run_by_hash_goes_through_the_limits_again(stack: Stack) -> None:
    deep = (
        "{ posts(first: 100) { edges { node { author {"
        " posts(first: 100) { edges { node { title } } } } } } } }"
    )
    registered = httpx.post(graphql_url(stack), json={"query": deep, **by_hash(sha256(deep))})
    assert "Query depth limit of 7 exceeded" in registered.json()["errors"][0]["message"]
    requests_before = stack.subgraph_requests()
    again = httpx.post(graphql_url(stack), json=by_hash(sha256(deep))).json()
    assert "Query depth limit of 7 exceeded" in again["errors"][0]["message"]
    assert stack.subgraph_requests() == requests_before


def test_trusted_only_runs_the_manifests_operations_by_id(
    stack: Stack, trusted_only_router: str
) -> None:
    viewer = signup(stack)
    url = f"{trusted_only_router}/graphql"
    headers = {"Authorization": f"Bearer {viewer['access']}"}
    me = next(entry for entry in MANIFEST["operations"] if entry["name"] == "Me")
    by_id = httpx.post(url, json={"operationName": "Me", **by_hash(me["id"])}, headers=headers)
    assert by_id.json()["data"]["me"]["email"] == viewer["user"]["email"]
    registered_text = httpx.post(url, json={"query": me["body"]}, headers=headers).json()
    assert registered_text["data"]["me"]["email"] == viewer["user"]["email"]

    arbitrary = httpx.post(url, json={"query": "{ me { email } }"}, headers=headers)
    assert arbitrary.status_code == 400
    assert codes(arbitrary.json()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    query = "{ me { id } }"
    apq = httpx.post(url, json={"query": query, **by_hash(sha256(query))}, headers=headers)
    assert codes(apq.json()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert codes(httpx.post(url, json=by_hash(sha256(query))).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


def test_production_logs_a_document_not_in_the_manifest_and_runs_it(stack: Stack) -> None:
    """ROUTER_TRUSTED_DOCUMENTS defaults to `log` in production: what only-trusted would refuse."""
    query = "query Unlisted { me { id } }"
    response = httpx.post(graphql_url(stack), json={"query": query, "operationName": "Unlisted"})
    request_id = response.headers["x-request-id"]
    assert codes(response.json()) == ["UNAUTHENTICATED"]  # it ran
    [warning] = [
        line
        for line in router_log(stack)
        if line.get("requestId") == request_id and line["level"] == "warn"
    ]
    assert warning["msg"] == "document not in the trusted documents"
    assert (warning["operationName"], warning["documentHash"]) == ("Unlisted", sha256(query))
    me = next(entry for entry in MANIFEST["operations"] if entry["name"] == "Me")
    listed = httpx.post(graphql_url(stack), json={"query": me["body"]})
    listed_id = listed.headers["x-request-id"]
    levels = [line["level"] for line in router_log(stack) if line.get("requestId") == listed_id]
    assert levels == ["info"]
