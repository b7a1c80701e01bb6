"""/.well-known/jwks.json: the public keys that verify this service's tokens."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from jwt import PyJWKSet
from jwt.utils import base64url_decode

from accounts.services import token_pair_issue
from subgraph_kit.keys import generate_private_key_pem, public_key_pem, rsa_public_jwk

# RFC 7638 section 3.1: an RSA key and its JWK thumbprint.
RFC_7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb"
    "WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ"
    "MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2N"
    "cRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC_7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_key_ids_are_rfc_7638_thumbprints() -> None:
    modulus = int.from_bytes(base64url_decode(RFC_7638_N), "big")
    pem = (
        RSAPublicNumbers(e=65537, n=modulus)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )

    assert rsa_public_jwk(pem) == {
        "kty": "RSA",
        "n": RFC_7638_N,
        "e": "AQAB",
        "kid": RFC_7638_THUMBPRINT,
        "use": "sig",
        "alg": "RS256",
    }


def test_the_jwks_publishes_the_signing_key(client, settings) -> None:
    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    keys = response.json()["keys"]
    assert keys == [rsa_public_jwk(settings.SIMPLE_JWT["VERIFYING_KEY"])]
    assert "d" not in keys[0]  # never the private exponent


def test_tokens_verify_with_the_published_key_they_name(client, user) -> None:
    access_token = token_pair_issue(user=user).access
    key_set = PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())

    signing_key = key_set[jwt.get_unverified_header(access_token)["kid"]]
    claims = jwt.decode(
        access_token,
        signing_key.key,
        algorithms=["RS256"],
        audience="federated-api",
        issuer="users-subgraph",
    )
    assert claims["id"] == str(user.id)


@pytest.mark.django_db
def test_retired_keys_stay_published_after_the_signing_key(client, settings) -> None:
    retired_key = public_key_pem(generate_private_key_pem())
    settings.JWKS_PUBLIC_KEYS = [*settings.JWKS_PUBLIC_KEYS, retired_key]

    kids = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]

    assert kids == [rsa_public_jwk(pem)["kid"] for pem in settings.JWKS_PUBLIC_KEYS]
    assert len(set(kids)) == 2


@pytest.mark.django_db
def test_the_jwks_is_open_to_anyone_and_read_only(client, settings) -> None:
    settings.ROUTER_SHARED_SECRET = "router-only"

    assert client.post("/graphql", {}, content_type="application/json").status_code == 403
    assert client.get("/.well-known/jwks.json").status_code == 200
    assert client.post("/.well-known/jwks.json").status_code == 405
