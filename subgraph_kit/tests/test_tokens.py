import asyncio
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest

from subgraph_kit.errors import Unauthenticated
from subgraph_kit.keys import generate_private_key_pem, public_key_pem
from subgraph_kit.testing import mint_token
from subgraph_kit.tokens import (
    REQUIRED_CLAIMS,
    AccessTokenVerifier,
    TokenVerificationSettings,
    Viewer,
)

PRIVATE_KEY = generate_private_key_pem()
OTHER_PRIVATE_KEY = generate_private_key_pem()
USER_ID = uuid.uuid4()


def rs256_verifier(**overrides) -> AccessTokenVerifier:
    config = {
        "algorithm": "RS256",
        "issuer": "users-subgraph",
        "audience": "federated-api",
        "public_key": public_key_pem(PRIVATE_KEY),
        **overrides,
    }
    return AccessTokenVerifier(TokenVerificationSettings(**config))


def verify(verifier: AccessTokenVerifier, token: str) -> Viewer:
    return asyncio.run(verifier.verify(token))


def test_a_valid_access_token_gives_the_viewer():
    token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, email="a@x.io", is_staff=True)
    assert verify(rs256_verifier(), token) == Viewer(user_id=USER_ID, email="a@x.io", is_staff=True)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (mint_token(signing_key=OTHER_PRIVATE_KEY, user_id=USER_ID), "Invalid access token"),
        (
            mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, expires_in=dt.timedelta(-1)),
            "Access token has expired",
        ),
        (mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, token_type="refresh"), "Not an"),
        (mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, issuer="evil"), "Invalid"),
        (mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, audience="other-api"), "Invalid"),
        (mint_token(signing_key=PRIVATE_KEY, user_id="not-a-uuid"), "Invalid access token"),
        ("garbage", "Malformed access token"),
    ],
    ids=["wrong-key", "expired", "refresh", "issuer", "audience", "bad-id", "garbage"],
)
def test_invalid_tokens_are_refused(token, message):
    with pytest.raises(Unauthenticated, match=message):
        verify(rs256_verifier(), token)


def test_alg_none_and_hs256_with_the_public_key_are_refused():
    claims = jwt.decode(
        mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID), options={"verify_signature": False}
    )
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthenticated):
        verify(rs256_verifier(), unsigned)
    # Algorithm confusion: an HMAC "signed" with the public key must not pass as RS256.
    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = jwt.utils.base64url_encode(json.dumps(claims).encode())
    signing_input = header + b"." + body
    signature = hmac.new(public_key_pem(PRIVATE_KEY).encode(), signing_input, hashlib.sha256)
    confused = (signing_input + b"." + jwt.utils.base64url_encode(signature.digest())).decode()
    with pytest.raises(Unauthenticated):
        verify(rs256_verifier(), confused)


def test_tampered_payload_is_refused():
    header, body, signature = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID).split(".")
    claims = json.loads(jwt.utils.base64url_decode(body))
    claims["is_staff"] = True
    forged_body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(Unauthenticated):
        verify(rs256_verifier(), f"{header}.{forged_body}.{signature}")


def test_hs256_with_the_shared_secret():
    secret = "s" * 40
    verifier = AccessTokenVerifier(
        TokenVerificationSettings(
            algorithm="HS256", issuer="users-subgraph", audience="federated-api", secret_key=secret
        )
    )
    token = mint_token(signing_key=secret, algorithm="HS256", user_id=USER_ID)
    assert verify(verifier, token).user_id == USER_ID
    with pytest.raises(Unauthenticated):
        verify(verifier, mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID))


@pytest.fixture
def signature_checks(monkeypatch):
    """How many times PyJWT checked a token's signature and claims."""
    checks = []
    original = jwt.decode

    def counting_decode(*args, **kwargs):
        checks.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting_decode)
    return checks


def test_a_verified_token_is_remembered_until_it_expires(signature_checks):
    verifier = rs256_verifier()
    token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, is_staff=True)

    viewers = [verify(verifier, token) for _ in range(3)]

    assert viewers == [Viewer(user_id=USER_ID, email="someone@example.com", is_staff=True)] * 3
    assert signature_checks == [token]


def test_a_remembered_token_is_refused_once_it_expires(signature_checks):
    verifier = rs256_verifier()
    # JWT times are whole seconds: expiring 2 s from now, it expires within 1 to 2 s.
    token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, expires_in=dt.timedelta(seconds=2))
    assert verify(verifier, token).user_id == USER_ID

    time.sleep(2.05)

    with pytest.raises(Unauthenticated, match="Access token has expired"):
        verify(verifier, token)
    assert signature_checks == [token, token]


def test_only_the_exact_token_is_remembered(signature_checks):
    verifier = rs256_verifier()
    token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID)
    verify(verifier, token)
    header, body, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(body))
    claims["is_staff"] = True
    forged_body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()

    with pytest.raises(Unauthenticated):
        verify(verifier, f"{header}.{forged_body}.{signature}")


def test_remembered_tokens_are_bounded(monkeypatch, signature_checks):
    monkeypatch.setattr("subgraph_kit.tokens.VERIFIED_TOKENS_KEPT", 2)
    verifier = rs256_verifier()
    first, second, third = (
        mint_token(signing_key=PRIVATE_KEY, user_id=uuid.uuid4()) for _ in range(3)
    )
    for token in (first, second, third, third, second, first):
        verify(verifier, token)

    # The first was forgotten when the third came; the second, used since, was kept.
    assert signature_checks == [first, second, third, first]


class JwksServer:
    """A users service stand-in publishing a JWKS on a free loopback port, counting fetches."""

    def __init__(self, private_key: str, key_id: str, delay_seconds: float = 0.0) -> None:
        self.body = JwksServer.jwks_body(private_key, key_id)
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                time.sleep(delay_seconds)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.body.encode())

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, private_key: str, key_id: str) -> None:
        """Serve a JWKS holding only this key from now on (a rotation that drops the old key)."""
        self.body = JwksServer.jwks_body(private_key, key_id)

    @staticmethod
    def jwks_body(private_key: str, key_id: str) -> str:
        jwk = json.loads(
            jwt.algorithms.RSAAlgorithm.to_jwk(
                jwt.get_algorithm_by_name("RS256").prepare_key(public_key_pem(private_key))
            )
        )
        return json.dumps({"keys": [{**jwk, "kid": key_id, "alg": "RS256", "use": "sig"}]})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_jwks_is_fetched_once_and_cached():
    jwks = JwksServer(PRIVATE_KEY, key_id="key-1")
    try:
        verifier = rs256_verifier(public_key=None, jwks_url=jwks.url)

        async def verify_many():
            for _ in range(5):
                token = mint_token(
                    signing_key=PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-1"}
                )
                assert (await verifier.verify(token)).user_id == USER_ID
            # An unknown key id is refused, and the refetch it triggers is rate limited.
            for _ in range(3):
                unknown = mint_token(
                    signing_key=OTHER_PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-2"}
                )
                with pytest.raises(Unauthenticated):
                    await verifier.verify(unknown)

        asyncio.run(verify_many())
        assert jwks.fetches == 1
    finally:
        jwks.close()


def test_public_keys_by_id_verify_the_token_with_the_key_it_names():
    # The issuer during a key rotation: tokens signed with the previous key still verify.
    verifier = rs256_verifier(
        public_key=None,
        public_keys={
            "current": public_key_pem(PRIVATE_KEY),
            "previous": public_key_pem(OTHER_PRIVATE_KEY),
        },
    )
    for kid, private_key in [("current", PRIVATE_KEY), ("previous", OTHER_PRIVATE_KEY)]:
        token = mint_token(signing_key=private_key, user_id=USER_ID, headers={"kid": kid})
        assert verify(verifier, token).user_id == USER_ID

    for headers in [{"kid": "unknown"}, {"kid": "previous"}, None]:
        # An unknown key id, another key's id, and (with several keys) no key id at all.
        token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, headers=headers)
        with pytest.raises(Unauthenticated, match="Invalid access token"):
            verify(verifier, token)


def test_public_keys_win_over_public_key():
    verifier = rs256_verifier(
        public_key=public_key_pem(PRIVATE_KEY),
        public_keys={"only": public_key_pem(OTHER_PRIVATE_KEY)},
    )
    # A single key also verifies tokens without a key id.
    assert verify(verifier, mint_token(signing_key=OTHER_PRIVATE_KEY, user_id=USER_ID)).user_id
    with pytest.raises(Unauthenticated):
        verify(verifier, mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID))


@pytest.mark.parametrize("kid", [["a-list"], {"an": "object"}, 7])
def test_a_key_id_that_is_not_a_string_is_refused(kid):
    verifier = rs256_verifier(public_key=None, public_keys={"k": public_key_pem(PRIVATE_KEY)})
    _, body, signature = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID).split(".")
    header = jwt.utils.base64url_encode(json.dumps({"alg": "RS256", "kid": kid}).encode())
    token = f"{header.decode()}.{body}.{signature}"

    with pytest.raises(Unauthenticated, match="Malformed access token"):
        verify(verifier, token)


def test_requests_arriving_during_the_first_jwks_fetch_wait_for_it():
    # A cold start under load: every request needs the key while the one fetch is in flight.
    jwks = JwksServer(PRIVATE_KEY, key_id="key-1", delay_seconds=0.3)
    try:
        verifier = rs256_verifier(public_key=None, jwks_url=jwks.url)
        token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-1"})

        async def verify_concurrently():
            return await asyncio.gather(*(verifier.verify(token) for _ in range(5)))

        viewers = asyncio.run(verify_concurrently())
        assert [viewer.user_id for viewer in viewers] == [USER_ID] * 5
        assert jwks.fetches == 1
    finally:
        jwks.close()


def wait_for_background_refresh(verifier) -> None:
    refresh = verifier._jwks_background_refresh
    assert refresh is not None, "no background refresh was started"
    refresh.join(timeout=10)


def test_a_key_dropped_from_the_jwks_stops_verifying_after_the_refresh_interval():
    # A compromised key is revoked by removing it from the issuer's JWKS: verifiers must follow.
    jwks = JwksServer(PRIVATE_KEY, key_id="key-1")
    try:
        verifier = rs256_verifier(public_key=None, jwks_url=jwks.url, jwks_refresh_seconds=0.0)
        old_token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-1"})
        assert verify(verifier, old_token).user_id == USER_ID

        jwks.publish(OTHER_PRIVATE_KEY, key_id="key-2")
        # The request that finds the key set stale is not made to wait for the new one.
        assert verify(verifier, old_token).user_id == USER_ID
        wait_for_background_refresh(verifier)

        with pytest.raises(Unauthenticated):
            verify(verifier, old_token)
        new_token = mint_token(
            signing_key=OTHER_PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-2"}
        )
        assert verify(verifier, new_token).user_id == USER_ID
    finally:
        jwks.close()


def test_known_keys_keep_verifying_while_the_jwks_endpoint_fails_and_it_is_not_hammered():
    jwks = JwksServer(PRIVATE_KEY, key_id="key-1")
    try:
        verifier = rs256_verifier(public_key=None, jwks_url=jwks.url, jwks_refresh_seconds=0.0)
        token = mint_token(signing_key=PRIVATE_KEY, user_id=USER_ID, headers={"kid": "key-1"})
        assert verify(verifier, token).user_id == USER_ID
        jwks.body = "<html>502 Bad Gateway</html>"  # a proxy's error page, not JSON
        fetches_before = jwks.fetches

        for _ in range(20):
            assert verify(verifier, token).user_id == USER_ID
            wait_for_background_refresh(verifier)

        # One failed refresh, then nothing until the refetch interval has passed.
        assert jwks.fetches - fetches_before == 1
    finally:
        jwks.close()


def test_the_router_requires_the_claims_the_subgraphs_require():
    # The router refuses a token without them before any subgraph sees it; the two lists are one
    # rule written in two languages, so a claim added here must be added there.
    policy = (
        Path(__file__).resolve().parents[2] / "router" / "plugins" / "access-token-policy.ts"
    ).read_text()
    declared = re.search(r"export const REQUIRED_CLAIMS = \[([^\]]*)\]", policy)
    assert declared, "REQUIRED_CLAIMS not found in router/plugins/access-token-policy.ts"
    assert re.findall(r"'([^']+)'", declared.group(1)) == REQUIRED_CLAIMS
