"""Token signing settings: the users service issues every token in the system.

RS256 (default): tokens are signed with JWT_PRIVATE_KEY; other services verify them with the
public key, published as a JWKS. HS256: every service shares JWT_SECRET_KEY. With DEBUG on and no
JWT_PRIVATE_KEY, a development key pair is generated once into `.jwt-dev/` and reused.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import environ
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.exceptions import ImproperlyConfigured

from subgraph_kit.keys import generate_private_key_pem, public_key_pem, rsa_public_jwk
from subgraph_kit.settings import pem_from_env

SUPPORTED_ALGORITHMS = ("RS256", "HS256")
# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output (256 bits).
MINIMUM_SECRET_KEY_LENGTH = 32
# Short, as refresh tokens rotate: clients refresh before expiry (examples/web) at no cost to users.
DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES = 5
PUBLIC_KEY_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def development_private_key(key_file: Path) -> str:
    """The development signing key: generated on first use, then reused across restarts."""
    if not key_file.exists():
        key_file.parent.mkdir(mode=0o700, exist_ok=True)
        draft = key_file.with_name(f".{key_file.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as draft_file:
            draft_file.write(generate_private_key_pem())
        try:
            # Linking is atomic and refuses to replace: when two processes start at once, the
            # first key written wins and both use it.
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text()


def parse_public_keys(value: str | None) -> list[str]:
    """Every PEM public key in `value`: the PEMs are concatenated, with or without separators."""
    pems = PUBLIC_KEY_PEM.findall(value or "")
    if (value or "").strip() and not pems:
        raise ImproperlyConfigured("JWT_PREVIOUS_PUBLIC_KEYS holds no PEM public key")
    for pem in pems:
        try:
            key = load_pem_public_key(pem.encode())
        except ValueError:
            raise ImproperlyConfigured(
                "JWT_PREVIOUS_PUBLIC_KEYS holds an invalid PEM public key"
            ) from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise ImproperlyConfigured("JWT_PREVIOUS_PUBLIC_KEYS must hold RSA public keys")
    return [f"{pem}\n" for pem in pems]


def _signing_public_key(private_key: str) -> str:
    try:
        public_key = public_key_pem(private_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "JWT_PRIVATE_KEY must be an unencrypted PEM private key"
        ) from None
    if not isinstance(load_pem_public_key(public_key.encode()), rsa.RSAPublicKey):
        raise ImproperlyConfigured("JWT_PRIVATE_KEY must be an RSA key for RS256")
    return public_key


def _rs256_keys(env: environ.Env, *, debug: bool, base_dir: Path) -> tuple[str, str, list[str]]:
    """(private key, public key, previous public keys) for RS256 signing."""
    private_key = pem_from_env(env.str("JWT_PRIVATE_KEY", default=""))
    if not private_key:
        if not debug:
            raise ImproperlyConfigured(
                "JWT_PRIVATE_KEY must be set in the environment when DEBUG is off "
                "(JWT_ALGORITHM is RS256)"
            )
        private_key = development_private_key(base_dir / ".jwt-dev" / "private.pem")
    public_key = _signing_public_key(private_key)
    previous_keys = parse_public_keys(pem_from_env(env.str("JWT_PREVIOUS_PUBLIC_KEYS", default="")))
    return private_key, public_key, previous_keys


def _hs256_secret(env: environ.Env) -> str:
    # Required even with DEBUG on: every verifying service must be given the same secret, so a
    # generated development default could never match theirs.
    secret = env.str("JWT_SECRET_KEY", default="")
    if not secret:
        raise ImproperlyConfigured(
            "JWT_SECRET_KEY must be set in the environment when JWT_ALGORITHM is HS256"
        )
    if len(secret.encode()) < MINIMUM_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"JWT_SECRET_KEY must be at least {MINIMUM_SECRET_KEY_LENGTH} bytes long"
        )
    return secret


def token_signing_settings(
    env: environ.Env, *, debug: bool, base_dir: Path, verification: dict[str, Any]
) -> dict[str, Any]:
    """SIMPLE_JWT (issuing), JWKS_PUBLIC_KEYS (publishing) and JWT_VERIFICATION (checking `me`).

    `verification` is the kit's JWT_VERIFICATION: issuer, audience and leeway are read once there
    so that the tokens issued here and the checks made everywhere cannot disagree.
    """
    algorithm = env.str("JWT_ALGORITHM", default="RS256")
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ImproperlyConfigured(
            f"JWT_ALGORITHM must be one of {', '.join(SUPPORTED_ALGORITHMS)}"
        )
    if algorithm == "RS256":
        signing_key, verifying_key, previous_keys = _rs256_keys(env, debug=debug, base_dir=base_dir)
        published_keys = [verifying_key, *previous_keys]
        # This service checks its own access tokens with its own public keys, no HTTP to itself:
        # every published key, by key id, so access tokens signed before a rotation pass `me`.
        own_verification = {
            "public_key": verifying_key,
            "public_keys": {rsa_public_jwk(pem)["kid"]: pem for pem in published_keys},
            "secret_key": None,
            "jwks_url": None,
        }
    else:
        signing_key = _hs256_secret(env)
        verifying_key = ""
        published_keys = []
        own_verification = {
            "secret_key": signing_key,
            "public_key": None,
            "public_keys": None,
            "jwks_url": None,
        }
    return {
        "SIMPLE_JWT": {
            "ALGORITHM": algorithm,
            "SIGNING_KEY": signing_key,
            "VERIFYING_KEY": verifying_key,
            "ISSUER": verification["issuer"],
            "AUDIENCE": verification["audience"],
            "LEEWAY": verification["leeway_seconds"],
            # An access token carries `is_staff` and is checked without asking this service, so
            # its lifetime bounds how long a logout, deactivation or demotion takes to apply.
            "ACCESS_TOKEN_LIFETIME": dt.timedelta(
                minutes=env.int(
                    "JWT_ACCESS_TOKEN_LIFETIME_MINUTES",
                    default=DEFAULT_ACCESS_TOKEN_LIFETIME_MINUTES,
                )
            ),
            "REFRESH_TOKEN_LIFETIME": dt.timedelta(
                minutes=env.int("JWT_REFRESH_TOKEN_LIFETIME_MINUTES", default=1440)
            ),
            "USER_ID_FIELD": "id",
            "USER_ID_CLAIM": "id",
            "ROTATE_REFRESH_TOKENS": True,
            "BLACKLIST_AFTER_ROTATION": True,
            "UPDATE_LAST_LOGIN": False,
            "CHECK_USER_IS_ACTIVE": True,
        },
        # Published at /.well-known/jwks.json: the signing key first, then retired keys whose
        # tokens may still be in use during a key rotation.
        "JWKS_PUBLIC_KEYS": published_keys,
        "JWT_VERIFICATION": {**verification, "algorithm": algorithm, **own_verification},
    }
