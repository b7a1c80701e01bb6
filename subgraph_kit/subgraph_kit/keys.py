"""RSA keys for RS256 tokens: development and test key pairs (never committed), and the JWK and
key id (`kid`) of a public key."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.utils import base64url_encode, to_base64url_uint


def generate_private_key_pem() -> str:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def public_key_pem(private_key_pem: str) -> str:
    private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return (
        private_key.public_key()
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


@lru_cache(maxsize=16)
def rsa_public_jwk(public_key_pem: str) -> dict[str, str]:
    """The JWK of an RSA public key, its `kid` being the key's RFC 7638 thumbprint."""
    numbers = serialization.load_pem_public_key(public_key_pem.encode()).public_numbers()
    # RFC 7638: the required members only, sorted, without whitespace, hashed with SHA-256.
    required_members = {
        "e": to_base64url_uint(numbers.e).decode(),
        "kty": "RSA",
        "n": to_base64url_uint(numbers.n).decode(),
    }
    canonical = json.dumps(required_members, sort_keys=True, separators=(",", ":"))
    thumbprint = base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()
    return {**required_members, "kid": thumbprint, "use": "sig", "alg": "RS256"}
