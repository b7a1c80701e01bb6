"""Stateless verification of the access tokens issued by the users service.

Every subgraph verifies the raw `Authorization: Bearer` token itself, with the users service's
public key (RS256: a PEM from the environment, or the service's JWKS fetched once and cached) or
the shared secret (HS256). Verification never touches a database.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from django.conf import settings
from django.core.signals import setting_changed

from subgraph_kit.errors import Unauthenticated

# A token signed with a key id the cache does not know triggers a JWKS refetch, at most this often,
# so a flood of forged tokens cannot turn the router into a JWKS-fetching amplifier.
JWKS_REFETCH_INTERVAL_SECONDS = 30.0
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "token_type", "id"]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling, as the verified access token says."""

    user_id: uuid.UUID
    email: str
    is_staff: bool


@dataclass(frozen=True, slots=True)
class TokenVerificationSettings:
    algorithm: str
    issuer: str
    audience: str
    secret_key: str | None = None
    public_key: str | None = None
    jwks_url: str | None = None
    leeway_seconds: float = 0.0

    @classmethod
    def from_django_settings(cls) -> TokenVerificationSettings:
        return cls(**settings.JWT_VERIFICATION)


class AccessTokenVerifier:
    def __init__(self, config: TokenVerificationSettings) -> None:
        self.config = config
        self._algorithm = jwt.get_algorithm_by_name(config.algorithm)
        self._static_key: Any = None
        self._keys_by_id: dict[str | None, Any] = {}
        self._jwks_fetched_at = float("-inf")
        self._jwks_client: jwt.PyJWKClient | None = None
        if config.algorithm.startswith("HS"):
            if not config.secret_key:
                raise ValueError("JWT_SECRET_KEY is required when JWT_ALGORITHM is HS*")
            self._static_key = self._algorithm.prepare_key(config.secret_key)
        elif config.public_key:
            self._static_key = self._algorithm.prepare_key(config.public_key)
        elif config.jwks_url:
            self._jwks_client = jwt.PyJWKClient(config.jwks_url, cache_keys=False, timeout=5)
        else:
            raise ValueError("Set JWT_PUBLIC_KEY or JWT_JWKS_URL to verify RS256 tokens")

    async def verify(self, raw_token: str) -> Viewer:
        try:
            header = jwt.get_unverified_header(raw_token)
        except jwt.PyJWTError:
            raise Unauthenticated("Malformed access token") from None
        key = await self._key_for(header.get("kid"))
        return self._decode(raw_token, key)

    def _decode(self, raw_token: str, key: Any) -> Viewer:
        try:
            claims = jwt.decode(
                raw_token,
                key,
                algorithms=[self.config.algorithm],
                issuer=self.config.issuer,
                audience=self.config.audience,
                leeway=self.config.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Access token has expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("Invalid access token") from None
        if claims["token_type"] != "access":  # noqa: S105 (a claim, not a password)
            raise Unauthenticated("Not an access token")
        try:
            user_id = uuid.UUID(str(claims["id"]))
        except ValueError:
            raise Unauthenticated("Invalid access token") from None
        return Viewer(
            user_id=user_id,
            email=str(claims.get("email", "")),
            is_staff=bool(claims.get("is_staff", False)),
        )

    async def _key_for(self, key_id: str | None) -> Any:
        if self._jwks_client is None:
            return self._static_key
        if key_id in self._keys_by_id:
            return self._keys_by_id[key_id]
        now = time.monotonic()
        if now - self._jwks_fetched_at >= JWKS_REFETCH_INTERVAL_SECONDS:
            self._jwks_fetched_at = now
            try:
                # urllib blocks: keep the event loop free while the (rare) fetch runs.
                jwk_set = await asyncio.to_thread(self._jwks_client.get_jwk_set, True)
            except jwt.PyJWKClientError:
                raise Unauthenticated("Cannot fetch the token signing keys") from None
            self._keys_by_id = {jwk.key_id: jwk.key for jwk in jwk_set.keys}
            if len(self._keys_by_id) == 1 and None not in self._keys_by_id:
                # Tokens without `kid` are accepted when the issuer publishes a single key.
                self._keys_by_id[None] = next(iter(self._keys_by_id.values()))
        try:
            return self._keys_by_id[key_id]
        except KeyError:
            raise Unauthenticated("Invalid access token") from None


@lru_cache(maxsize=1)
def get_access_token_verifier() -> AccessTokenVerifier:
    """The process-wide verifier: keys are parsed and JWKS fetched once, not per request."""
    return AccessTokenVerifier(TokenVerificationSettings.from_django_settings())


def _reset_verifier(*, setting: str, **_: object) -> None:
    if setting == "JWT_VERIFICATION":
        get_access_token_verifier.cache_clear()


setting_changed.connect(_reset_verifier)


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when there is no header."""
    if not authorization_header:
        return None
    scheme, _, token = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <access token>'")
    return token.strip()
