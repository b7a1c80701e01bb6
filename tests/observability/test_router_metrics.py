"""What the router tells its operators, through the real stack.

- Prometheus metrics at /metrics: HTTP and GraphQL request counts and durations, and each
  subgraph call's duration and errors.
- One JSON log line per request (outside development), with the request id the client sent (or a
  generated one, echoed in x-request-id), the operation name, duration and outcome.
- Never a token, password or the router's secret in the logs, even at debug level, where every
  subgraph call is logged.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import PASSWORD, call, signup
from tests.support.stack import Stack, running_stack

ROUTER_SECRET = secrets.token_urlsafe(32)
# `name{labels} value` lines of the Prometheus text format.
SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("stack"), extra_env={"ROUTER_SHARED_SECRET": ROUTER_SECRET}
    ) as running:
        yield running


@pytest.fixture(scope="module")
def debug_router(stack: Stack) -> str:
    return stack.start_router("router-debug", {"ROUTER_LOG_LEVEL": "debug"})


@pytest.fixture(scope="module")
def viewer(stack: Stack) -> dict[str, Any]:
    tokens = signup(stack)
    call(stack, "CreatePost", {"input": {"title": "Observed"}}, access_token=tokens["access"])
    return tokens


def metric_samples(stack: Stack) -> list[tuple[str, dict[str, str], float]]:
    response = httpx.get(f"{stack.router_url}/metrics", timeout=30)
    assert response.status_code == 200
    samples = []
    for line in response.text.splitlines():
        match = SAMPLE.match(line)
        if match:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"] or ""))
            samples.append((match["name"], labels, float(match["value"])))
    return samples


def total(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    return sum(
        value
        for sample_name, sample_labels, value in samples
        if sample_name == name and labels.items() <= sample_labels.items()
    )


def router_log(path: Path) -> list[dict[str, Any]]:
    """The router's JSON log lines (the CLI's own start-up lines before them are not JSON)."""
    lines = path.read_text().splitlines()
    first_json = next(index for index, line in enumerate(lines) if line.startswith("{"))
    return [json.loads(line) for line in lines[first_json:]]


def request_log_lines(stack: Stack, request_id: str) -> list[dict[str, Any]]:
    return [
        line
        for line in router_log(stack.services["router"].log_path)
        if line.get("requestId") == request_id
    ]


def test_metrics_count_requests_and_time_each_subgraph_call(
    stack: Stack, viewer: dict[str, Any]
) -> None:
    before = metric_samples(stack)
    body = call(stack, "MyPosts", access_token=viewer["access"])
    assert body["data"]["myPosts"]["edges"][0]["node"]["author"]["email"]
    # Staff only: the posts subgraph answers with an error.
    forbidden = call(stack, "AllPosts", access_token=viewer["access"])
    assert forbidden["errors"]
    after = metric_samples(stack)

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return total(after, name, **labels) - total(before, name, **labels) >= by

    assert grew("graphql_yoga_http_duration_count", by=2, method="POST", statusCode="200")
    assert grew("graphql_envelop_request", by=2)
    assert grew("graphql_envelop_request_duration_count", by=2)
    for subgraph in ("users", "posts"):
        assert grew("graphql_gateway_subgraph_execute_duration_count", subgraphName=subgraph)
    assert grew("graphql_gateway_subgraph_execute_errors", subgraphName="posts")
    assert grew("graphql_gateway_fetch_duration_count", by=3)


def test_metric_labels_take_no_values_from_the_client(stack: Stack) -> None:
    # Each distinct label value is a time series held in memory for good: a client choosing
    # them (operation names, URLs with a query string) could grow the router without bound.
    marker = f"Chosen{uuid.uuid4().hex}"
    stack.graphql(f"query {marker} {{ __typename }}", operation_name=marker)
    httpx.get(
        f"{stack.router_url}/graphql",
        params={"query": f"query {marker} {{ __typename }}"},
        headers={"x-graphql-csrf": "1"},
        timeout=30,
    )
    metrics = httpx.get(f"{stack.router_url}/metrics", timeout=30)
    assert metrics.status_code == 200
    assert "graphql_envelop_request" in metrics.text
    assert marker not in metrics.text


def test_each_request_is_logged_once_with_its_id_operation_duration_and_outcome(
    stack: Stack, viewer: dict[str, Any]
) -> None:
    request_id = f"client-{uuid.uuid4()}"
    response = stack.graphql(
        "query MyPostTitles { myPosts { edges { node { title } } } }",
        access_token=viewer["access"],
        headers={"x-request-id": request_id},
    )
    assert response.headers["x-request-id"] == request_id

    [line] = [line for line in request_log_lines(stack, request_id) if line["level"] == "info"]
    assert line["msg"] == "request completed"
    assert line["operationName"] == "MyPostTitles"
    assert line["status"] == 200
    assert line["outcome"] == "success"
    assert line["errorCodes"] == []
    assert line["durationMs"] > 0
    assert {"level", "msg", "timestamp"} <= set(line)


def test_a_request_without_an_id_gets_one_and_failures_are_logged_with_their_codes(
    stack: Stack,
) -> None:
    response = stack.graphql("query Broken { me { emial } }")
    request_id = response.headers["x-request-id"]
    assert uuid.UUID(request_id)

    [line] = [
        line for line in request_log_lines(stack, request_id) if line["msg"] == "request completed"
    ]
    assert line["operationName"] == "Broken"
    assert line["outcome"] == "error"
    assert line["errorCodes"] == ["GRAPHQL_VALIDATION_FAILED"]


def test_every_log_line_of_a_request_carries_its_id(stack: Stack, viewer: dict[str, Any]) -> None:
    call(stack, "Me", access_token=viewer["access"])
    lines = router_log(stack.services["router"].log_path)
    started = next(index for index, line in enumerate(lines) if line["msg"].startswith("Listening"))
    after_start = lines[started + 1 :]
    assert after_start
    assert [line for line in after_start if "requestId" not in line] == []


def test_tokens_passwords_and_the_router_secret_never_reach_the_logs(
    stack: Stack, debug_router: str
) -> None:
    url = f"{debug_router}/graphql"
    email = f"secret-{uuid.uuid4().hex[:12]}@example.com"
    password = f"{PASSWORD} {uuid.uuid4().hex}"
    signup_body = stack.graphql(
        "mutation Signup($input: SignupInput!) { signup(input: $input) { access refresh } }",
        {"input": {"email": email, "password": password}},
        url=url,
    ).json()
    login_body = stack.graphql(
        "mutation Login($input: LoginInput!) { login(input: $input) { access refresh } }",
        {"input": {"email": email, "password": password}},
        url=url,
    ).json()
    tokens = [*signup_body["data"]["signup"].values(), *login_body["data"]["login"].values()]
    # A token sent, and a password written into the query text rather than a variable.
    me = stack.graphql("query Me { me { email } }", access_token=tokens[0], url=url).json()
    assert me["data"]["me"]["email"] == email
    login_input = f'{{email: "{email}", password: "{password}"}}'
    stack.graphql(f"mutation {{ login(input: {login_input}) {{ access }} }}", url=url)

    log = stack.services["router-debug"].log_path.read_text()
    assert "useFetchDebug" in log  # debug level: every subgraph call is logged
    for secret in [password, ROUTER_SECRET, *tokens]:
        assert secret not in log
