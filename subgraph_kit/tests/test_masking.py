"""Errors the client did not cause: a bug is masked, an unreachable database is retryable."""

import json

import pytest
import strawberry
from django.db.utils import InterfaceError, OperationalError

from subgraph_kit.graphql import SubgraphContext, SubgraphGraphQL, build_schema
from subgraph_kit.masking import SERVICE_UNAVAILABLE_MESSAGE
from subgraph_kit.testing import post_json

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


graphql_application = SubgraphGraphQL(build_schema(query=Query), context_class=SubgraphContext)


def errors_for(kind: str) -> list[dict]:
    body = json.dumps(
        {"query": "query ($kind: String!) { fail(kind: $kind) }", "variables": {"kind": kind}}
    )
    response = post_json(graphql_application, body)
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
