"""`manage.py export_schema`: the subgraph SDL, holding the client-facing contract."""

from __future__ import annotations

import io

from django.core.management import call_command
from graphql import build_ast_schema, parse, print_type

from accounts.schema import schema

# The contract with clients (names and shapes); the schema may add to it, never change it.
CONTRACT = {
    "User": ["id: ID!", "email: String!", "isVerified: Boolean!", "dateJoined: DateTime!"],
    "AuthPayload": ["access: String!", "refresh: String!", "user: User!"],
    "TokenPair": ["access: String!", "refresh: String!"],
    "SignupInput": ["email: String!", "password: String!"],
    "LoginInput": ["email: String!", "password: String!"],
    "ChangePasswordInput": ["oldPassword: String!", "newPassword: String!"],
    "Query": ["me: User"],
    "Mutation": [
        "signup(input: SignupInput!): AuthPayload!",
        "login(input: LoginInput!): AuthPayload!",
        "refreshToken(refresh: String!): TokenPair!",
        "logout(refresh: String!): Boolean!",
        "logoutAll: Boolean!",
        "changePassword(input: ChangePasswordInput!): AuthPayload!",
    ],
}


def exported_sdl() -> str:
    output = io.StringIO()
    call_command("export_schema", stdout=output)
    return output.getvalue()


def test_export_schema_prints_the_federation_sdl() -> None:
    sdl = exported_sdl()

    assert sdl.strip() == schema.as_str().strip()
    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
    assert 'type User @key(fields: "id")' in sdl


def test_the_sdl_keeps_the_client_contract() -> None:
    graphql_schema = build_ast_schema(parse(exported_sdl()), assume_valid_sdl=True)

    for type_name, fields in CONTRACT.items():
        printed = print_type(graphql_schema.get_type(type_name))
        lines = {line.strip() for line in printed.splitlines()}
        for field in fields:
            assert field in lines, (type_name, field, printed)
