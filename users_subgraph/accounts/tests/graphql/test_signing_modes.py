"""Key rotation (RS256) and the shared-secret mode (HS256), end to end through the view."""

from __future__ import annotations

import jwt
import pytest

from accounts.services import token_pair_issue
from accounts.tests.conftest import PASSWORD
from accounts.tests.operations import ME, REFRESH_TOKEN, SIGNUP
from accounts.tests.signing import apply, signing_settings
from subgraph_kit.keys import generate_private_key_pem, public_key_pem, rsa_public_jwk
from subgraph_kit.testing import error_codes

HS256_SECRET = "a-shared-secret-of-at-least-32-bytes!"


def test_after_a_key_rotation_old_refresh_tokens_still_refresh(graphql, user, settings) -> None:
    old_tokens = token_pair_issue(user=user)
    old_public_key = settings.SIMPLE_JWT["VERIFYING_KEY"]
    new_private_key = generate_private_key_pem()

    apply(
        settings,
        signing_settings(JWT_PRIVATE_KEY=new_private_key, JWT_PREVIOUS_PUBLIC_KEYS=old_public_key),
    )
    body = graphql(REFRESH_TOKEN, {"refresh": old_tokens.refresh})

    assert "errors" not in body, body
    new_access = body["data"]["refreshToken"]["access"]
    new_kid = rsa_public_jwk(public_key_pem(new_private_key))["kid"]
    assert jwt.get_unverified_header(new_access)["kid"] == new_kid
    assert graphql(ME, access_token=new_access)["data"]["me"]["id"] == str(user.id)


def test_after_a_key_rotation_old_access_tokens_still_pass_me(graphql, user, settings) -> None:
    old_tokens = token_pair_issue(user=user)
    old_public_key = settings.SIMPLE_JWT["VERIFYING_KEY"]

    apply(
        settings,
        signing_settings(
            JWT_PRIVATE_KEY=generate_private_key_pem(), JWT_PREVIOUS_PUBLIC_KEYS=old_public_key
        ),
    )
    body = graphql(ME, access_token=old_tokens.access)

    assert "errors" not in body, body
    assert body["data"]["me"]["id"] == str(user.id)


def test_once_a_key_is_retired_its_access_tokens_are_refused(graphql, user, settings) -> None:
    old_tokens = token_pair_issue(user=user)

    apply(settings, signing_settings(JWT_PRIVATE_KEY=generate_private_key_pem()))

    assert error_codes(graphql(ME, access_token=old_tokens.access)) == ["UNAUTHENTICATED"]


def test_once_a_key_is_retired_its_refresh_tokens_are_refused(graphql, user, settings) -> None:
    old_tokens = token_pair_issue(user=user)

    apply(settings, signing_settings(JWT_PRIVATE_KEY=generate_private_key_pem()))

    assert error_codes(graphql(REFRESH_TOKEN, {"refresh": old_tokens.refresh})) == [
        "UNAUTHENTICATED"
    ]


@pytest.mark.django_db
def test_hs256_mode_signs_with_the_shared_secret_and_publishes_no_key(
    graphql, client, settings
) -> None:
    apply(settings, signing_settings(JWT_ALGORITHM="HS256", JWT_SECRET_KEY=HS256_SECRET))

    body = graphql(SIGNUP, {"input": {"email": "ada@example.com", "password": PASSWORD}})

    assert "errors" not in body, body
    tokens = body["data"]["signup"]
    assert jwt.get_unverified_header(tokens["access"]) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(
        tokens["access"],
        HS256_SECRET,
        algorithms=["HS256"],
        audience="federated-api",
        issuer="users-subgraph",
    )
    assert claims["email"] == "ada@example.com"
    assert graphql(ME, access_token=tokens["access"])["data"]["me"]["email"] == "ada@example.com"
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": tokens["refresh"]})
    assert client.get("/.well-known/jwks.json").json() == {"keys": []}


def test_hs256_mode_refuses_rs256_tokens(graphql, user, settings) -> None:
    rs256_tokens = token_pair_issue(user=user)

    apply(settings, signing_settings(JWT_ALGORITHM="HS256", JWT_SECRET_KEY=HS256_SECRET))

    assert error_codes(graphql(ME, access_token=rs256_tokens.access)) == ["UNAUTHENTICATED"]
    assert error_codes(graphql(REFRESH_TOKEN, {"refresh": rs256_tokens.refresh})) == [
        "UNAUTHENTICATED"
    ]
