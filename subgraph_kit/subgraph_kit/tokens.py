"""Stateless verification of the access tokens issued by the users service.

Every subgraph verifies the raw `Authorization: Bearer` token itself, with the users service's
public key (RS256: a PEM from the environment, several PEMs by key id, or the service's JWKS,
kept in memory and refreshed in the background) or the shared secret (HS256). Verification never
touches a database.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
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
# Tokens whose verification is remembered (see AccessTokenVerifier.verify): the recent callers'
# tokens, about a kilobyte each.
VERIFIED_TOKENS_KEPT = 4096

logger = logging.getLogger(__name__)
# What fetching a JWKS can raise: unreachable or failing (PyJWKClientError), no usable key
# (PyJWKSetError), a body that is not JSON (ValueError).
JWKS_FETCH_ERRORS = (jwt.PyJWTError, ValueError)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is calling, as the verified access token says."""

    user_id: uuid.UUID
    email: str
    is_staff: bool


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    viewer: Viewer
    key_id: str | None
    # The key object that verified it: a key set fetched again holds new objects, so a token is
    # verified again after every JWKS refresh (and fails when its key has been dropped).
    key: Any
    expires_at: float


@dataclass(frozen=True, slots=True)
class TokenVerificationSettings:
    """How to verify (see `settings.jwt_verification_settings`); for RS256 the key is, first found:
    `public_keys` (PEMs by key id: a token is checked with the key its `kid` header names, so the
    issuer can verify tokens signed before a key rotation), `public_key` (one PEM), `jwks_url`."""

    algorithm: str
    issuer: str
    audience: str
    secret_key: str | None = None
    public_key: str | None = None
    jwks_url: str | None = None
    leeway_seconds: float = 0.0
    public_keys: Mapping[str, str] | None = None
    # A JWKS older than this is fetched again in the background on the next request, while the
    # keys in hand keep verifying: a key the issuer dropped (rotated out, or revoked after a
    # compromise) stops verifying within this time plus the gap to the next request.
    jwks_refresh_seconds: float = 60.0

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
        self._jwks_loaded_at = float("-inf")
        self._jwks_failed_at = float("-inf")
        self._jwks_fetch_lock = threading.Lock()
        self._jwks_background_refresh: threading.Thread | None = None
        self._jwks_client: jwt.PyJWKClient | None = None
        self._verified: OrderedDict[str, VerifiedToken] = OrderedDict()
        if config.algorithm.startswith("HS"):
            if not config.secret_key:
                raise ValueError("JWT_SECRET_KEY is required when JWT_ALGORITHM is HS*")
            self._static_key = self._algorithm.prepare_key(config.secret_key)
        elif config.public_keys:
            self._keys_by_id = _with_default_key(
                {
                    key_id: self._algorithm.prepare_key(pem)
                    for key_id, pem in config.public_keys.items()
                }
            )
        elif config.public_key:
            self._static_key = self._algorithm.prepare_key(config.public_key)
        elif config.jwks_url:
            self._jwks_client = jwt.PyJWKClient(config.jwks_url, cache_keys=False, timeout=5)
        else:
            raise ValueError("Set JWT_PUBLIC_KEY or JWT_JWKS_URL to verify RS256 tokens")

    async def verify(self, raw_token: str) -> Viewer:
        """The token's viewer; raises Unauthenticated for a token that does not verify.

        A client sends the same token with every request until it expires: a token verified
        once is remembered (by its exact text, so only that token maps to that viewer) with the
        key object that verified it and its expiry. While that key is still the one its key id
        names and the token has not expired, the signature and claims need no second check:
        they are the same bytes checked against the same key.
        """
        remembered = self._verified.get(raw_token)
        if remembered is not None:
            key = await self._key_for(remembered.key_id)
            if key is remembered.key and time.time() < remembered.expires_at:
                self._verified.move_to_end(raw_token)
                return remembered.viewer
            del self._verified[raw_token]
        try:
            header = jwt.get_unverified_header(raw_token)
        except jwt.PyJWTError:
            raise Unauthenticated("Malformed access token") from None
        # PyJWT has checked that `kid`, when present, is a string.
        key_id = header.get("kid")
        key = await self._key_for(key_id)
        viewer, expires_at = self._decode(raw_token, key)
        self._verified[raw_token] = VerifiedToken(viewer, key_id, key, expires_at)
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return viewer

    def _decode(self, raw_token: str, key: Any) -> tuple[Viewer, float]:
        """The token's viewer and the time (epoch seconds) until which it verifies."""
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
        viewer = Viewer(
            user_id=user_id,
            email=str(claims.get("email", "")),
            is_staff=bool(claims.get("is_staff", False)),
        )
        # PyJWT has checked that `exp` is a number and accepts it until exp + leeway.
        return viewer, float(claims["exp"]) + self.config.leeway_seconds

    async def _key_for(self, key_id: str | None) -> Any:
        if self._static_key is not None:
            return self._static_key
        if self._jwks_client is not None:
            if key_id not in self._keys_by_id:
                # urllib blocks: keep the event loop free while the (rare) fetch runs.
                await asyncio.to_thread(self._refresh_jwks_for, key_id)
            elif self._jwks_refresh_due():
                self._start_background_refresh()
        return self._known_key(key_id)

    def _jwks_refresh_due(self) -> bool:
        now = time.monotonic()
        # After a failed attempt the next one waits like an unknown-key refetch does, so an issuer
        # that is down is not asked again on every request.
        return (
            now - self._jwks_loaded_at >= self.config.jwks_refresh_seconds
            and now - self._jwks_failed_at >= JWKS_REFETCH_INTERVAL_SECONDS
        )

    def _start_background_refresh(self) -> None:
        """Fetch the JWKS again without making this request wait; one refresh at a time."""
        running = self._jwks_background_refresh
        if running is not None and running.is_alive():
            return
        self._jwks_fetched_at = time.monotonic()
        self._jwks_background_refresh = threading.Thread(
            target=self._refresh_jwks_in_background, name="jwks-refresh", daemon=True
        )
        self._jwks_background_refresh.start()

    def _refresh_jwks_in_background(self) -> None:
        with self._jwks_fetch_lock:
            try:
                self._load_jwks()
            except JWKS_FETCH_ERRORS as error:
                self._jwks_failed_at = time.monotonic()
                # The keys in hand stay: an issuer that is slow or down must not stop verification.
                logger.warning("JWKS refresh failed, keeping the last key set: %s", error)

    def _refresh_jwks_for(self, key_id: str | None) -> None:
        # One fetch at a time; requests arriving meanwhile wait for it instead of failing for want
        # of a key that is on its way (a cold start or a key rotation under load).
        with self._jwks_fetch_lock:
            if key_id in self._keys_by_id:
                return
            now = time.monotonic()
            if now - self._jwks_fetched_at < JWKS_REFETCH_INTERVAL_SECONDS:
                return
            self._jwks_fetched_at = now
            try:
                self._load_jwks()
            except JWKS_FETCH_ERRORS:
                raise Unauthenticated("Cannot fetch the token signing keys") from None

    def _load_jwks(self) -> None:
        """Replace the key set with the JWKS's (keys it no longer lists are gone)."""
        jwk_set = self._jwks_client.get_jwk_set(refresh=True)
        self._keys_by_id = _with_default_key({jwk.key_id: jwk.key for jwk in jwk_set.keys})
        self._jwks_loaded_at = time.monotonic()

    def _known_key(self, key_id: str | None) -> Any:
        try:
            return self._keys_by_id[key_id]
        except KeyError:
            raise Unauthenticated("Invalid access token") from None


def _with_default_key(keys_by_id: dict[str | None, Any]) -> dict[str | None, Any]:
    """Tokens without `kid` are accepted when the issuer has a single key: it is theirs."""
    if len(keys_by_id) == 1 and None not in keys_by_id:
        return {**keys_by_id, None: next(iter(keys_by_id.values()))}
    return keys_by_id


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
