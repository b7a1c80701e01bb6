"""me: the user of a valid access token; every bad token is UNAUTHENTICATED."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.tests.forgery import signed_with_public_key_as_hmac_secret, tampered, unsigned
from accounts.tests.operations import ME
from subgraph_kit.keys import generate_private_key_pem
from subgraph_kit.testing import error_codes, execute_graphql, mint_token


def test_me_returns_the_user_of_the_access_token(graphql, user, tokens) -> None:
    body = graphql(ME, access_token=tokens.access)

    assert body == {
        "data": {
            "me": {
                "id": str(user.id),
                "email": user.email,
                "isVerified": False,
                "dateJoined": user.date_joined.isoformat(),
            }
        }
    }


@pytest.mark.django_db
def test_me_without_a_token_is_unauthenticated(graphql) -> None:
    body = graphql(ME)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] == {"me": None}


@pytest.mark.django_db
def test_me_with_a_header_that_is_not_bearer_is_unauthenticated(client, tokens) -> None:
    body = execute_graphql(client, ME, headers={"Authorization": f"Token {tokens.access}"})

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_an_expired_access_token_is_unauthenticated(graphql, user, signing_key) -> None:
    expired = mint_token(
        signing_key=signing_key, user_id=user.id, expires_in=-dt.timedelta(seconds=1)
    )

    body = graphql(ME, access_token=expired)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Access token has expired"


def test_an_access_token_signed_with_another_key_is_unauthenticated(graphql, user) -> None:
    forged = mint_token(signing_key=generate_private_key_pem(), user_id=user.id)

    assert error_codes(graphql(ME, access_token=forged)) == ["UNAUTHENTICATED"]


def test_an_unsigned_alg_none_token_is_unauthenticated(graphql, tokens) -> None:
    assert error_codes(graphql(ME, access_token=unsigned(tokens.access))) == ["UNAUTHENTICATED"]


def test_an_hs256_token_keyed_with_the_public_key_is_unauthenticated(
    graphql, tokens, settings
) -> None:
    forged = signed_with_public_key_as_hmac_secret(
        tokens.access, settings.SIMPLE_JWT["VERIFYING_KEY"]
    )

    assert error_codes(graphql(ME, access_token=forged)) == ["UNAUTHENTICATED"]


def test_a_token_with_a_tampered_payload_is_unauthenticated(
    graphql, user, create_user, tokens
) -> None:
    other = create_user(email="grace@example.com")
    forged = tampered(tokens.access, id=str(other.id), is_staff=True)

    assert error_codes(graphql(ME, access_token=forged)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "claims",
    [{"issuer": "someone-else"}, {"audience": "another-api"}],
    ids=["wrong issuer", "wrong audience"],
)
def test_a_token_for_another_issuer_or_audience_is_unauthenticated(
    graphql, user, signing_key, claims
) -> None:
    token = mint_token(signing_key=signing_key, user_id=user.id, **claims)

    assert error_codes(graphql(ME, access_token=token)) == ["UNAUTHENTICATED"]


@pytest.mark.django_db
@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "", "eyJhbGciOiJSUzI1NiJ9.e30"])
def test_a_malformed_token_is_unauthenticated(client, garbage: str) -> None:
    body = execute_graphql(client, ME, headers={"Authorization": f"Bearer {garbage}"})

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_a_refresh_token_is_not_an_access_token(graphql, tokens) -> None:
    body = graphql(ME, access_token=tokens.refresh)

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_the_token_of_a_deleted_user_is_unauthenticated(graphql, user, tokens) -> None:
    user.delete()

    assert error_codes(graphql(ME, access_token=tokens.access)) == ["UNAUTHENTICATED"]


def test_the_token_of_a_deactivated_user_is_unauthenticated(graphql, user, tokens) -> None:
    user.is_active = False
    user.save()

    assert error_codes(graphql(ME, access_token=tokens.access)) == ["UNAUTHENTICATED"]
