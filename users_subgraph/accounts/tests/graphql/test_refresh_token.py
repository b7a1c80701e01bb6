"""refreshToken: rotates a refresh token; the old one is revoked; bad tokens are UNAUTHENTICATED."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from accounts.services import token_pair_issue
from accounts.tests.conftest import run_concurrently
from accounts.tests.forgery import signed_with_public_key_as_hmac_secret, tampered, unsigned
from accounts.tests.operations import ME, REFRESH_TOKEN
from accounts.tokens import UserRefreshToken
from subgraph_kit.keys import generate_private_key_pem
from subgraph_kit.testing import SubgraphClient, error_codes, execute_graphql, mint_token


def refresh(graphql, refresh_token: str) -> dict[str, object]:
    return graphql(REFRESH_TOKEN, {"refresh": refresh_token})


def test_refresh_returns_a_new_working_pair(graphql, user, tokens) -> None:
    body = refresh(graphql, tokens.refresh)

    assert "errors" not in body, body
    new_tokens = body["data"]["refreshToken"]
    assert new_tokens["refresh"] != tokens.refresh
    assert graphql(ME, access_token=new_tokens["access"])["data"]["me"]["id"] == str(user.id)
    assert "errors" not in refresh(graphql, new_tokens["refresh"])


def test_a_refresh_token_works_once(graphql, tokens) -> None:
    assert "errors" not in refresh(graphql, tokens.refresh)

    body = refresh(graphql, tokens.refresh)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "blacklisted" in body["errors"][0]["message"]


def test_the_new_access_token_carries_the_current_email_and_staff_status(
    graphql, user, tokens
) -> None:
    user.email = "ada.lovelace@example.com"
    user.is_staff = True
    user.save()

    body = refresh(graphql, tokens.refresh)

    claims = jwt.decode(body["data"]["refreshToken"]["access"], options={"verify_signature": False})
    assert claims["email"] == "ada.lovelace@example.com"
    assert claims["is_staff"] is True


def test_an_access_token_is_not_a_refresh_token(graphql, tokens) -> None:
    body = refresh(graphql, tokens.access)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("garbage", ["garbage", "", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.e30"])
def test_a_garbage_refresh_token_is_unauthenticated(graphql, garbage: str) -> None:
    assert error_codes(refresh(graphql, garbage)) == ["UNAUTHENTICATED"]


def test_a_refresh_token_signed_with_another_key_is_unauthenticated(graphql, user) -> None:
    kid = jwt.get_unverified_header(token_pair_issue(user=user).refresh)["kid"]
    forged = mint_token(
        signing_key=generate_private_key_pem(),
        user_id=user.id,
        token_type="refresh",
        headers={"kid": kid},
    )

    assert error_codes(refresh(graphql, forged)) == ["UNAUTHENTICATED"]


def test_an_unsigned_alg_none_refresh_token_is_unauthenticated(graphql, tokens) -> None:
    assert error_codes(refresh(graphql, unsigned(tokens.refresh))) == ["UNAUTHENTICATED"]


def test_an_hs256_refresh_token_keyed_with_the_public_key_is_unauthenticated(
    graphql, tokens, settings
) -> None:
    forged = signed_with_public_key_as_hmac_secret(
        tokens.refresh, settings.SIMPLE_JWT["VERIFYING_KEY"]
    )

    assert error_codes(refresh(graphql, forged)) == ["UNAUTHENTICATED"]


def test_a_tampered_refresh_token_is_unauthenticated(graphql, create_user, tokens) -> None:
    other = create_user(email="grace@example.com")
    forged = tampered(tokens.refresh, id=str(other.id))

    assert error_codes(refresh(graphql, forged)) == ["UNAUTHENTICATED"]


def test_an_expired_refresh_token_is_unauthenticated(graphql, user) -> None:
    token = UserRefreshToken.for_user(user)
    token.set_exp(lifetime=-dt.timedelta(seconds=1))

    body = refresh(graphql, str(token))

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "expired" in body["errors"][0]["message"]


def test_a_validly_signed_refresh_token_never_issued_is_unauthenticated(
    graphql, user, signing_key
) -> None:
    kid = jwt.get_unverified_header(token_pair_issue(user=user).refresh)["kid"]
    unrecorded = mint_token(
        signing_key=signing_key, user_id=user.id, token_type="refresh", headers={"kid": kid}
    )

    assert error_codes(refresh(graphql, unrecorded)) == ["UNAUTHENTICATED"]


def test_an_inactive_user_cannot_refresh(graphql, user, tokens) -> None:
    user.is_active = False
    user.save()

    assert error_codes(refresh(graphql, tokens.refresh)) == ["UNAUTHENTICATED"]


def test_under_mandatory_verification_an_unverified_user_cannot_refresh(
    graphql, user, tokens, mandatory_verification
) -> None:
    user.is_verified = False
    user.save()

    body = refresh(graphql, tokens.refresh)

    assert error_codes(body) == ["EMAIL_NOT_VERIFIED"]
    assert body["errors"][0]["message"] == "Email is not verified"


def test_a_deleted_user_cannot_refresh(graphql, user, tokens) -> None:
    user.delete()

    assert error_codes(refresh(graphql, tokens.refresh)) == ["UNAUTHENTICATED"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_with_one_token_succeed_at_most_once(create_user) -> None:
    refresh_token = token_pair_issue(user=create_user()).refresh

    def refresh_once() -> dict[str, object]:
        return execute_graphql(SubgraphClient(), REFRESH_TOKEN, {"refresh": refresh_token})

    bodies = run_concurrently(6, refresh_once)

    assert all(isinstance(body, dict) for body in bodies), bodies
    assert len([body for body in bodies if "errors" not in body]) == 1
    for body in bodies:
        if "errors" in body:
            assert error_codes(body) == ["UNAUTHENTICATED"]
