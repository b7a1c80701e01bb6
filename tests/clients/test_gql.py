"""Python's gql 4 against the router, with its AIOHTTP and HTTPX transports: signup, a query as
the bearer, error codes, and a batch of operations in one request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from tests.clients.conftest import PASSWORD, Stack, new_email

TRANSPORTS: dict[str, Callable[..., Any]] = {
    "gql (AIOHTTP)": AIOHTTPTransport,
    "gql (HTTPX)": HTTPXAsyncTransport,
}
SIGNUP = "mutation Signup($input: SignupInput!) { signup(input: $input) { access user { email } } }"
ME = "query Me { me { email } }"
MY_POSTS = "query MyPosts { myPosts(first: 5) { totalCount } }"


def run(
    stack: Stack, transport_class: Callable[..., Any], work: Callable[..., Any], **headers: str
):
    """Run `work(session)` in a gql session on `transport_class`, `headers` on every request."""

    async def in_session() -> Any:
        transport = transport_class(url=f"{stack.router_url}/graphql", headers=headers)
        async with Client(transport=transport) as session:
            return await work(session)

    return asyncio.run(in_session())


@pytest.mark.parametrize(("client", "transport_class"), TRANSPORTS.items(), ids=TRANSPORTS.keys())
def test_gql_signs_up_and_queries_as_the_bearer(
    stack: Stack, client: str, transport_class: Any
) -> None:
    email = new_email("gql")
    variables = {"input": {"email": email, "password": PASSWORD}}
    signed_up = run(
        stack,
        transport_class,
        lambda session: session.execute(GraphQLRequest(SIGNUP, variable_values=variables)),
    )
    assert signed_up["signup"]["user"]["email"] == email, f"{client}: expected signup to answer"
    me = run(
        stack,
        transport_class,
        lambda session: session.execute(GraphQLRequest(ME)),
        Authorization=f"Bearer {signed_up['signup']['access']}",
    )
    assert me == {"me": {"email": email}}, f"{client}: expected me to be the new user, got {me}"


@pytest.mark.parametrize(("client", "transport_class"), TRANSPORTS.items(), ids=TRANSPORTS.keys())
def test_gql_raises_with_the_error_code(stack: Stack, client: str, transport_class: Any) -> None:
    with pytest.raises(TransportQueryError) as raised:
        run(stack, transport_class, lambda session: session.execute(GraphQLRequest(MY_POSTS)))
    codes = [error["extensions"]["code"] for error in raised.value.errors or []]
    assert codes == ["UNAUTHENTICATED"], f"{client}: expected UNAUTHENTICATED, got {codes}"


@pytest.mark.parametrize(("client", "transport_class"), TRANSPORTS.items(), ids=TRANSPORTS.keys())
def test_gql_sends_a_batch_in_one_request(stack: Stack, client: str, transport_class: Any) -> None:
    emails = [new_email("gql-batch"), new_email("gql-batch")]
    signups = [
        GraphQLRequest(SIGNUP, variable_values={"input": {"email": email, "password": PASSWORD}})
        for email in emails
    ]
    results = run(stack, transport_class, lambda session: session.execute_batch(signups))
    assert [result["signup"]["user"]["email"] for result in results] == emails, (
        f"{client}: expected one signup result per operation, in order, got {results}"
    )
    access_token = results[0]["signup"]["access"]
    me_and_posts = run(
        stack,
        transport_class,
        lambda session: session.execute_batch([GraphQLRequest(ME), GraphQLRequest(MY_POSTS)]),
        Authorization=f"Bearer {access_token}",
    )
    assert me_and_posts == [{"me": {"email": emails[0]}}, {"myPosts": {"totalCount": 0}}], (
        f"{client}: expected me and myPosts for the bearer, got {me_and_posts}"
    )
