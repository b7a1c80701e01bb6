"""Checks on a request's input that would otherwise fail as a server error further down.

Each turns input no valid client sends into a client error: a 400 for a request body that is not
a GraphQL request, BAD_USER_INPUT for strings PostgreSQL cannot store and for entity
representations the router would never send.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

from cross_web import HTTPException
from graphql import ExecutionResult, GraphQLError, StringValueNode
from graphql.language import Node
from strawberry.extensions import SchemaExtension

from subgraph_kit.errors import BadUserInput

NUL_CHARACTER_MESSAGE = "Strings must not contain NUL (\\u0000) characters"
REPRESENTATION_MESSAGE = "Each representation must be an object whose __typename is an entity type"


def decode_request_json(body: str | bytes) -> object:
    """A request body as JSON: an object (one operation) or a list (a batch, refused later).

    Python's parser raises RecursionError, not a JSONDecodeError, on very deep nesting; and a
    JSON scalar is valid JSON but not a request. Both are the client's mistake, hence 400.
    """
    try:
        decoded = json.loads(body)
    except RecursionError:
        raise HTTPException(400, "Unable to parse request body as JSON") from None
    if not isinstance(decoded, dict | list):
        raise HTTPException(400, "The request body must be a JSON object")
    return decoded


class RejectNulCharacters(SchemaExtension):
    """Refuse NUL characters in every input string (variables and literals) with BAD_USER_INPUT.

    PostgreSQL text cannot hold them: without this, the first resolver that stores or filters on
    such a string fails with a database error, which clients see as an unexpected error.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if _contains_nul(context.variables) or _literals_contain_nul(
            context.query, context.graphql_document
        ):
            context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(NUL_CHARACTER_MESSAGE, extensions={"code": "BAD_USER_INPUT"})],
            )
        yield


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def _literals_contain_nul(query: str | None, document: Node | None) -> bool:
    # The lexer refuses a raw NUL, so one can only come from a \u escape in a string literal:
    # documents without any escape (nearly all of them) need no walk.
    if not query or "\\u" not in query or document is None:
        return False
    return any("\x00" in node.value for node in _string_values(document))


def _string_values(node: Node) -> Iterator[StringValueNode]:
    pending: list[Any] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, StringValueNode):
            yield current
        elif isinstance(current, Node):
            pending.extend(getattr(current, key) for key in current.keys)
        elif isinstance(current, list | tuple):
            pending.extend(current)


def check_entity_representations(
    representations: list[Any], entity_type_names: Collection[str]
) -> None:
    """Refuse `_entities` representations that are not objects naming one of our entity types.

    Strawberry would fail on them with a KeyError or AttributeError: an unexpected error, logged
    as a bug. Only a caller holding the router's secret can send them, but one such call should
    not look like an outage.
    """
    for representation in representations:
        type_name = representation.get("__typename") if isinstance(representation, dict) else None
        if not isinstance(type_name, str) or type_name not in entity_type_names:
            raise BadUserInput(REPRESENTATION_MESSAGE)
