"""GraphQL's name suggestions ("Did you mean ...?") reach clients in development only."""

import enum
import json

import pytest
import strawberry

from subgraph_kit.graphql import SubgraphContext, SubgraphGraphQL, build_schema
from subgraph_kit.testing import post_json


@strawberry.enum
class Colour(enum.Enum):
    CRIMSON = "crimson"


@strawberry.input
class PaintInput:
    title: str
    colour: Colour


@strawberry.type
class Query:
    @strawberry.field
    def title(self) -> str:
        return "a title"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def paint(self, input: PaintInput) -> str:
        return input.title


graphql_application = SubgraphGraphQL(
    build_schema(query=Query, mutation=Mutation), context_class=SubgraphContext
)
PAINT = "mutation ($input: PaintInput!) { paint(input: $input) }"
CASES = {
    "unknown input field": (PAINT, {"input": {"titl": "x", "title": "x", "colour": "CRIMSON"}}),
    "unknown enum value": (PAINT, {"input": {"title": "x", "colour": "CRIMSO"}}),
    "unknown field": ("{ titl }", {}),
}


def error_messages(query: str, variables: dict) -> list[str]:
    body = json.dumps({"query": query, "variables": variables})
    response = post_json(graphql_application, body)
    return [error["message"] for error in json.loads(response.content)["errors"]]


@pytest.mark.parametrize("case", CASES)
def test_with_debug_off_no_error_suggests_a_name(settings, case):
    settings.DEBUG = False

    messages = error_messages(*CASES[case])

    assert messages
    assert all("Did you mean" not in message for message in messages), messages
    # The rest of the message still says what is wrong.
    assert all(message.strip() for message in messages)


@pytest.mark.parametrize("case", CASES)
def test_with_debug_on_errors_suggest_names(settings, case):
    settings.DEBUG = True

    assert any("Did you mean" in message for message in error_messages(*CASES[case]))
