"""token_pair_issue: what the issued tokens say, and to whom none are issued."""

from __future__ import annotations

import jwt
import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.errors import EmailNotVerified
from accounts.services import token_pair_issue
from subgraph_kit.errors import Unauthenticated
from subgraph_kit.keys import rsa_public_jwk


def decode(token: str, settings) -> dict[str, object]:
    return jwt.decode(
        token,
        settings.SIMPLE_JWT["VERIFYING_KEY"],
        algorithms=["RS256"],
        audience="federated-api",
        issuer="users-subgraph",
    )


def test_the_access_token_carries_the_users_claims(user, settings) -> None:
    claims = decode(token_pair_issue(user=user).access, settings)

    assert claims["token_type"] == "access"
    assert claims["id"] == str(user.id)
    assert claims["email"] == "ada@example.com"
    assert claims["is_staff"] is False
    # exp counts from the pair's creation, iat from the access token's: a second may part them.
    assert claims["exp"] - claims["iat"] == pytest.approx(5 * 60, abs=1)
    assert {"jti", "iss", "aud"} <= claims.keys()


def test_the_refresh_token_lives_a_day_and_is_recorded(user, settings) -> None:
    claims = decode(token_pair_issue(user=user).refresh, settings)

    assert claims["token_type"] == "refresh"
    assert claims["id"] == str(user.id)
    assert claims["exp"] - claims["iat"] == 24 * 60 * 60
    assert OutstandingToken.objects.filter(jti=claims["jti"], user=user).exists()


def test_tokens_name_their_signing_key_as_the_jwks_does(user, settings) -> None:
    tokens = token_pair_issue(user=user)
    expected_kid = rsa_public_jwk(settings.JWKS_PUBLIC_KEYS[0])["kid"]

    for token in (tokens.access, tokens.refresh):
        assert jwt.get_unverified_header(token) == {
            "alg": "RS256",
            "typ": "JWT",
            "kid": expected_kid,
        }


def test_staff_status_is_in_the_access_token(create_user, settings) -> None:
    staff = create_user(email="staff@example.com", is_staff=True)

    assert decode(token_pair_issue(user=staff).access, settings)["is_staff"] is True


def test_no_tokens_for_inactive_users(create_user) -> None:
    refused = create_user(email="refused@example.com", is_active=False, is_verified=True)

    with pytest.raises(Unauthenticated, match="This account is inactive"):
        token_pair_issue(user=refused)
    assert not OutstandingToken.objects.exists()


@pytest.mark.usefixtures("mandatory_verification")
def test_under_mandatory_verification_no_tokens_for_unverified_users(create_user) -> None:
    refused = create_user(email="refused@example.com", is_verified=False)

    with pytest.raises(EmailNotVerified, match="Email is not verified"):
        token_pair_issue(user=refused)
    assert not OutstandingToken.objects.exists()


@pytest.mark.parametrize("policy", ["none", "optional"])
def test_unless_verification_is_mandatory_unverified_users_get_tokens(
    create_user, settings, policy
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = policy
    unverified = create_user(email="new@example.com", is_verified=False)

    assert token_pair_issue(user=unverified).access


@pytest.mark.usefixtures("mandatory_verification")
def test_an_unverified_superuser_gets_tokens(create_user) -> None:
    root = create_user(email="root@example.com", is_verified=False, is_superuser=True)

    assert token_pair_issue(user=root).access
