"""Input a client can send that must come back as a client error, never as an unexpected one."""

import json
import logging

import pytest
import strawberry

from subgraph_kit.graphql import SubgraphContext, SubgraphGraphQL, build_schema
from subgraph_kit.input_checks import NUL_CHARACTER_MESSAGE, REPRESENTATION_MESSAGE
from subgraph_kit.testing import post_json


@strawberry.federation.type(keys=["id"])
class Thing:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, **representation: object) -> "Thing":
        return cls(id=strawberry.ID(str(representation.get("id"))))


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, text: str, times: int = 1) -> str:
        return text * times


graphql_application = SubgraphGraphQL(
    build_schema(query=Query, types=[Thing]), context_class=SubgraphContext
)
ENTITIES_QUERY = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }"


def post(body: str | bytes):
    return post_json(graphql_application, body)


def post_operation(query: str, variables: dict | None = None) -> dict:
    response = post(json.dumps({"query": query, "variables": variables or {}}))
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query ($text: String!) { echo(text: $text) }", {"text": "before\x00after"}),
        ('{ echo(text: "before\\u0000after") }', None),
    ],
    ids=["variable", "literal"],
)
def test_a_nul_character_in_an_input_string_is_bad_user_input(query, variables):
    body = post_operation(query, variables)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == NUL_CHARACTER_MESSAGE
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


def test_other_escaped_characters_pass():
    body = post_operation('{ echo(text: "caf\\u00e9 \\u0001") }')
    assert body == {"data": {"echo": "café \x01"}}


@pytest.mark.parametrize("body", ["null", '"a string"', "42", "true"])
def test_a_json_body_that_is_not_an_object_is_a_bad_request(body):
    response = post(body)
    assert response.status_code == 400


def test_a_json_body_nested_too_deeply_for_the_parser_is_a_bad_request():
    response = post(
        '{"query": "{ echo(text: \\"x\\") }", "variables": {"a": '
        + "[" * 100_000
        + "]" * 100_000
        + "}}"
    )
    assert response.status_code == 400


def test_a_variable_of_the_wrong_type_is_reported_as_it_is_not_masked(caplog):
    with caplog.at_level(logging.INFO, logger="subgraph_kit.graphql"):
        body = post_operation(
            'query ($times: Int) { echo(text: "x", times: $times) }', {"times": 2**31}
        )
    [error] = body["errors"]
    assert "Int cannot represent non 32-bit signed integer value" in error["message"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "representation",
    [1, "Thing", [], {}, {"id": "1"}, {"__typename": "Nope", "id": "1"}, {"__typename": "Query"}],
)
def test_an_entity_representation_the_router_would_not_send_is_bad_user_input(representation):
    body = post_operation(
        ENTITIES_QUERY, {"r": [{"__typename": "Thing", "id": "1"}, representation]}
    )
    [error] = body["errors"]
    assert error["message"] == REPRESENTATION_MESSAGE
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


def test_entity_representations_of_our_types_resolve():
    body = post_operation(ENTITIES_QUERY, {"r": [{"__typename": "Thing", "id": "1"}]})
    assert body == {"data": {"_entities": [{"id": "1"}]}}
