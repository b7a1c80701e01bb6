"""Errors the client did not cause: a bug is masked, an unreachable database is retryable."""

import json

import pytest
import strawberry
from asgiref.sync import async_to_sync
from django.db.utils import InterfaceError, OperationalError
from django.test import RequestFactory

from subgraph_kit.graphql import SubgraphGraphQLView, build_schema
from subgraph_kit.masking import SERVICE_UNAVAILABLE_MESSAGE

FAILURES = {
    "refused": OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
    "closed": InterfaceError("connection already closed"),
    "bug": RuntimeError("SELECT secret FROM somewhere"),
}


@strawberry.type
class Query:
    @strawberry.field
    def fail(self, kind: str) -> str:
        raise FAILURES[kind]


graphql_view = SubgraphGraphQLView.as_view(schema=build_schema(query=Query))


def errors_for(kind: str) -> list[dict]:
    body = json.dumps(
        {"query": "query ($kind: String!) { fail(kind: $kind) }", "variables": {"kind": kind}}
    )
    request = RequestFactory().post("/graphql", body, content_type="application/json")
    response = async_to_sync(graphql_view)(request)
    assert response.status_code == 200
    return json.loads(response.content)["errors"]


@pytest.mark.parametrize("kind", ["refused", "closed"])
def test_an_unreachable_database_is_service_unavailable_without_its_details(kind):
    [error] = errors_for(kind)
    assert error["message"] == SERVICE_UNAVAILABLE_MESSAGE
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert error["path"] == ["fail"]


def test_a_bug_stays_masked():
    [error] = errors_for("bug")
    assert error["message"] == "Unexpected error."
    assert "extensions" not in error
