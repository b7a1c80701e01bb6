"""Each request gets an id, echoed to the caller and written on every log line made meanwhile."""

import json
import logging
import uuid

import pytest

from subgraph_kit.request_context import REQUEST_ID_HEADER
from subgraph_kit.testing import SubgraphClient, captured_logs

pytestmark = pytest.mark.django_db

ROUTER_SECRET = {"X-Router-Secret": "router-secret-for-tests"}


@pytest.fixture
def client() -> SubgraphClient:
    return SubgraphClient(headers=ROUTER_SECRET)


def post_operation(client: SubgraphClient, query: str, *, headers: dict[str, str] | None = None):
    return client.post(
        "/graphql", {"query": query}, content_type="application/json", headers=headers or {}
    )


def log_lines(output) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines()]


def test_the_routers_request_id_is_echoed(client):
    response = post_operation(client, "{ greeting }", headers={REQUEST_ID_HEADER: "trace-42.a:b_c"})
    assert response[REQUEST_ID_HEADER] == "trace-42.a:b_c"


@pytest.mark.parametrize(
    "unsafe_id",
    ["", "x" * 129, "with space", "line\nbreak", '<script>"'],
    ids=["empty", "too-long", "space", "line-break", "markup"],
)
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_uuid(client, unsafe_id):
    response = post_operation(client, "{ greeting }", headers={REQUEST_ID_HEADER: unsafe_id})
    assert uuid.UUID(response[REQUEST_ID_HEADER]).version == 4


def test_refused_requests_get_an_id_too():
    response = SubgraphClient().post(
        "/graphql", {}, "application/json", headers={REQUEST_ID_HEADER: "r1"}
    )
    assert response.status_code == 403
    assert response[REQUEST_ID_HEADER] == "r1"


def test_every_line_logged_during_a_request_carries_its_id(client):
    with captured_logs() as output:
        post_operation(client, "{ greeting missing }", headers={REQUEST_ID_HEADER: "req-7"})
    lines = [line for line in log_lines(output) if line["logger"] != "asyncio"]
    # The resolver's own line, the client error and the request line.
    assert {line["logger"] for line in lines} == {
        "tests.schema",
        "subgraph_kit.graphql",
        "subgraph_kit.requests",
    }
    assert {line["request_id"] for line in lines} == {"req-7"}


def test_django_refusal_lines_carry_the_request_id():
    # Django logs 4xx responses after the middleware chain has returned (on its own paths: the
    # GraphQL endpoint is not served by Django's handler).
    with captured_logs() as output:
        SubgraphClient().get("/sync-work", headers={REQUEST_ID_HEADER: "r2"})
    refusal = next(line for line in log_lines(output) if line["logger"] == "django.request")
    assert refusal["request_id"] == "r2"


def test_lines_outside_requests_have_no_id():
    with captured_logs() as output:
        logging.getLogger("tests").warning("between requests")
    assert log_lines(output)[0]["request_id"] == "-"


def test_the_request_line_tells_the_operation_its_outcome_and_its_cost(client):
    with captured_logs() as output:
        post_operation(client, "query CountGroups { groupCount }")
        post_operation(client, "query Missing { missing }")
    first, second = (
        line for line in log_lines(output) if line["logger"] == "subgraph_kit.requests"
    )
    assert first["message"].startswith("POST /graphql 200 ")
    assert first["graphql_operation"] == "CountGroups"
    assert first["graphql_outcome"] == "ok"
    assert first["db_queries"] == 2
    assert first["duration_ms"] > 0
    assert second["graphql_operation"] == "Missing"
    assert second["graphql_outcome"] == "errors"
    assert second["graphql_error_codes"] == ["NOT_FOUND"]
    assert second["db_queries"] == 0


def test_an_operation_name_that_is_not_a_graphql_name_is_not_logged(client):
    with captured_logs() as output:
        client.post(
            "/graphql",
            {"query": "{ greeting }", "operationName": "evil\nline"},
            content_type="application/json",
        )
    request_line = next(
        line for line in log_lines(output) if line["logger"] == "subgraph_kit.requests"
    )
    assert request_line["graphql_operation"] is None
    assert "evil" not in output.getvalue()


def test_health_probes_are_logged_at_debug_only(client):
    with captured_logs() as output:
        client.get("/healthz")
    (request_line,) = (
        line for line in log_lines(output) if line["logger"] == "subgraph_kit.requests"
    )
    assert request_line["level"] == "DEBUG"
