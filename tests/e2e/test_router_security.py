"""The router refuses bad tokens before any subgraph sees them, and lets public calls through."""

from __future__ import annotations

import datetime as dt
import uuid

from subgraph_kit.keys import generate_private_key_pem
from subgraph_kit.testing import mint_token
from tests.support.client import call, signup
from tests.support.stack import Stack


def _subgraph_requests(stack: Stack) -> int:
    # uvicorn's access log has a line per request.
    return sum(
        stack.services[name].log_path.read_text().count("POST /graphql")
        for name in ("users", "posts")
    )


def test_forged_token_is_refused_at_the_router(stack: Stack) -> None:
    forged = mint_token(signing_key=generate_private_key_pem(), user_id=uuid.uuid4())
    requests_before = _subgraph_requests(stack)
    response = stack.graphql("query { me { id } myPosts { totalCount } }", access_token=forged)
    assert response.status_code == 401
    body = response.json()
    assert body["errors"]
    assert body.get("data") is None
    assert _subgraph_requests(stack) == requests_before


def test_expired_and_garbage_tokens_are_refused_at_the_router(stack: Stack) -> None:
    expired = mint_token(
        signing_key=stack.private_key, user_id=uuid.uuid4(), expires_in=dt.timedelta(minutes=-5)
    )
    for token in (
        expired,
        "not-a-jwt",
        mint_token(signing_key="x" * 32, algorithm="HS256", user_id=uuid.uuid4()),
    ):
        response = stack.graphql("query { me { id } }", access_token=token)
        assert response.status_code == 401, token


def test_public_mutations_work_without_a_token(stack: Stack) -> None:
    tokens = signup(stack)
    assert tokens["access"]
    assert tokens["refresh"]
    body = call(stack, "RefreshToken", {"refresh": tokens["refresh"]})
    assert body["data"]["refreshToken"]["access"]


def test_authorization_header_reaches_entity_calls(stack: Stack) -> None:
    # `author { email }` is resolved by users' `_entities`; email is only readable by its owner,
    # so seeing it proves the Authorization header was forwarded on the entity call too.
    tokens = signup(stack)
    call(stack, "CreatePost", {"input": {"title": "Mine"}}, access_token=tokens["access"])
    body = call(stack, "MyPosts", access_token=tokens["access"])
    assert body["data"]["myPosts"]["edges"][0]["node"]["author"]["email"] == tokens["user"]["email"]
