"""Access tokens are verified locally: forged, expired and non-access tokens are UNAUTHENTICATED."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid

import pytest

from posts.models import Post
from subgraph_kit.keys import generate_private_key_pem, public_key_pem
from subgraph_kit.testing import error_codes, execute_graphql, mint_token

MY_POSTS = "{ myPosts { totalCount } }"
CREATE_POST = 'mutation { createPost(input: {title: "Sneaky"}) { id } }'


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unsigned_token(header: dict, claims: dict, signature: bytes = b"") -> str:
    encoded = [base64url(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join([*encoded, base64url(signature)])


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def call(client, query, token):
    return execute_graphql(client, query, headers={"Authorization": f"Bearer {token}"})


def assert_unauthenticated(client, token):
    for query in (MY_POSTS, CREATE_POST):
        body = call(client, query, token)
        assert error_codes(body) == ["UNAUTHENTICATED"], body
        assert body["data"] is None
    assert not Post.objects.exists()


@pytest.fixture
def valid_token(signing_key):
    return mint_token(signing_key=signing_key, user_id=uuid.uuid4())


def test_a_valid_access_token_is_accepted(client, db, valid_token):
    assert call(client, MY_POSTS, valid_token) == {"data": {"myPosts": {"totalCount": 0}}}


def test_no_token_is_unauthenticated(client, db):
    assert error_codes(execute_graphql(client, MY_POSTS)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz"])
def test_a_malformed_authorization_header_is_unauthenticated(client, db, header):
    body = execute_graphql(client, MY_POSTS, headers={"Authorization": header})

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_garbage_is_unauthenticated(client, db):
    assert_unauthenticated(client, "not.a.jwt")


def test_an_expired_token_is_unauthenticated(client, db, signing_key):
    expired = mint_token(
        signing_key=signing_key, user_id=uuid.uuid4(), expires_in=dt.timedelta(seconds=-1)
    )

    assert_unauthenticated(client, expired)
    assert call(client, MY_POSTS, expired)["errors"][0]["message"] == "Access token has expired"


def test_a_refresh_token_is_not_an_access_token(client, db, signing_key):
    refresh = mint_token(signing_key=signing_key, user_id=uuid.uuid4(), token_type="refresh")

    assert_unauthenticated(client, refresh)


def test_a_token_signed_with_another_key_is_unauthenticated(client, db):
    forged = mint_token(signing_key=generate_private_key_pem(), user_id=uuid.uuid4())

    assert_unauthenticated(client, forged)


def test_an_unsigned_alg_none_token_is_unauthenticated(client, db, valid_token):
    forged = unsigned_token({"alg": "none", "typ": "JWT"}, claims_of(valid_token))

    assert_unauthenticated(client, forged)


def test_a_tampered_payload_is_unauthenticated(client, db, valid_token):
    header, _, signature = valid_token.split(".")
    claims = {**claims_of(valid_token), "is_staff": True, "id": str(uuid.uuid4())}
    tampered = ".".join([header, base64url(json.dumps(claims).encode()), signature])

    assert_unauthenticated(client, tampered)


def test_hs256_signed_with_the_public_key_is_unauthenticated(client, db, signing_key, valid_token):
    # The classic algorithm-confusion forgery: the public key is no secret.
    header = {"alg": "HS256", "typ": "JWT"}
    encoded = ".".join(
        base64url(json.dumps(part).encode()) for part in (header, claims_of(valid_token))
    )
    signature = hmac.new(public_key_pem(signing_key).encode(), encoded.encode(), hashlib.sha256)
    forged = f"{encoded}.{base64url(signature.digest())}"

    assert_unauthenticated(client, forged)


@pytest.mark.parametrize(
    "claims",
    [
        {"issuer": "someone-else"},
        {"audience": "another-api"},
        {"user_id": "not-a-uuid"},
    ],
)
def test_wrong_issuer_audience_or_user_id_is_unauthenticated(client, db, signing_key, claims):
    token = mint_token(signing_key=signing_key, **{"user_id": uuid.uuid4(), **claims})

    assert_unauthenticated(client, token)


def test_hs256_mode_verifies_with_the_shared_secret(client, db, settings, signing_key):
    secret = "a-shared-secret-of-at-least-32-bytes!"
    settings.JWT_VERIFICATION = {
        **settings.JWT_VERIFICATION,
        "algorithm": "HS256",
        "secret_key": secret,
        "public_key": None,
    }
    user_id = uuid.uuid4()
    hs256 = mint_token(signing_key=secret, algorithm="HS256", user_id=user_id)
    rs256 = mint_token(signing_key=signing_key, user_id=user_id)

    assert call(client, MY_POSTS, hs256) == {"data": {"myPosts": {"totalCount": 0}}}
    assert error_codes(call(client, MY_POSTS, rs256)) == ["UNAUTHENTICATED"]
