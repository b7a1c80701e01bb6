"""The tokens this service issues (simplejwt's, signed with its key) and the keys it publishes.

RS256 tokens name their signing key in the `kid` header, the RFC 7638 thumbprint of the public
key, which is also the key's `kid` in the JWKS at /.well-known/jwks.json: verifiers pick the key
a token names, so a new key can be published next to the old one during a rotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from subgraph_kit.keys import rsa_public_jwk


def json_web_key_set() -> dict[str, list[dict[str, str]]]:
    """The public keys tokens may be signed with (none in HS256 mode: the secret stays secret)."""
    return {"keys": [rsa_public_jwk(pem) for pem in settings.JWKS_PUBLIC_KEYS]}


class KeyIdTokenBackend(TokenBackend):
    """simplejwt's backend, plus key ids: it signs with a `kid` header and verifies a token with
    the published key it names, so refresh tokens signed before a key rotation still refresh."""

    def __init__(self, *, published_public_keys: Sequence[str], **options: Any) -> None:
        super().__init__(**options)
        self.signing_key_id = (
            rsa_public_jwk(published_public_keys[0])["kid"] if published_public_keys else None
        )
        self.verifying_keys_by_id = {
            rsa_public_jwk(pem)["kid"]: self._prepare_key(pem) for pem in published_public_keys
        }

    def encode(self, payload: dict[str, Any]) -> str:
        claims = {**payload, "iss": self.issuer, "aud": self.audience}
        headers = {"kid": self.signing_key_id} if self.signing_key_id else None
        return jwt.encode(
            claims,
            self.prepared_signing_key,
            algorithm=self.algorithm,
            headers=headers,
            json_encoder=self.json_encoder,
        )

    def get_verifying_key(self, token: Any) -> Any:
        if not self.verifying_keys_by_id:
            return super().get_verifying_key(token)
        # A malformed header raises jwt.DecodeError, which decode() reports as an invalid token.
        key_id = jwt.get_unverified_header(token).get("kid")
        if not isinstance(key_id, str) or key_id not in self.verifying_keys_by_id:
            raise TokenBackendError("Token is invalid")
        return self.verifying_keys_by_id[key_id]


@lru_cache(maxsize=1)
def token_backend() -> KeyIdTokenBackend:
    """The process-wide backend: keys are parsed once, not per token."""
    options = settings.SIMPLE_JWT
    return KeyIdTokenBackend(
        algorithm=options["ALGORITHM"],
        signing_key=options["SIGNING_KEY"],
        verifying_key=options["VERIFYING_KEY"],
        audience=options["AUDIENCE"],
        issuer=options["ISSUER"],
        leeway=options["LEEWAY"],
        published_public_keys=settings.JWKS_PUBLIC_KEYS,
    )


def _reset_token_backend(*, setting: str, **_: object) -> None:
    if setting in {"SIMPLE_JWT", "JWKS_PUBLIC_KEYS"}:
        token_backend.cache_clear()


setting_changed.connect(_reset_token_backend)


class _SignedByThisService:
    """Token mixin: sign and verify with this service's backend, not simplejwt's global one."""

    @property
    def token_backend(self) -> KeyIdTokenBackend:
        return token_backend()


class UserAccessToken(_SignedByThisService, AccessToken):
    pass


class UserRefreshToken(_SignedByThisService, RefreshToken):
    access_token_class = UserAccessToken
