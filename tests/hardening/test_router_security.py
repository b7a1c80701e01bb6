"""The router's side of the security review (issue 13), through the real stack.

- Signing keys: a flood of tokens with made-up `kid`s on a cold router is refused with 401 and
  never stops real users' tokens; known keys keep working while the JWKS endpoint is down; a key
  removed from the JWKS is refused after the next refresh (router/signing-keys.ts).
- A token without a claim the subgraphs require (`exp`...) is refused at the router.
- No "Did you mean ...?" in production, from variables either.
- CORS never answers `Access-Control-Allow-Origin: null`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest

from subgraph_kit.keys import generate_private_key_pem
from tests.support.client import OPERATIONS_DOCUMENT, error_codes, signup
from tests.support.stack import Stack

ALLOWED_ORIGINS = ("http://127.0.0.1:5173", "https://admin.example")
# How often the routers started here re-fetch the JWKS (JWT_JWKS_REFRESH_SECONDS).
JWKS_REFRESH_SECONDS = 1
FORGED_TOKENS = 50
ME = "{ me { id email } }"


@pytest.fixture(scope="module")
def stack_env(stack_env: dict[str, str]) -> dict[str, str]:
    return {
        **stack_env,
        "CORS_ALLOWED_ORIGINS": ",".join(ALLOWED_ORIGINS),
        "JWT_JWKS_REFRESH_SECONDS": str(JWKS_REFRESH_SECONDS),
    }


@pytest.fixture(scope="module")
def viewer(stack: Stack) -> dict[str, Any]:
    return signup(stack)


def forged_token(claims: dict[str, Any]) -> str:
    """A token as an attacker makes it: real-looking claims, a key of their own, a made-up kid."""
    return jwt.encode(
        claims,
        generate_private_key_pem(),
        algorithm="RS256",
        headers={"kid": f"forged-{uuid.uuid4().hex}"},
    )


def resigned(access_token: str, stack: Stack, **changes: Any) -> str:
    """The access token with claims changed (None removes one), signed with the stack's real key."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    key_id = jwt.get_unverified_header(access_token)["kid"]
    return jwt.encode(claims, stack.private_key, algorithm="RS256", headers={"kid": key_id})


def me(url: str, access_token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql",
        json={"query": ME},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=30,
    )


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, (response.status_code, response.text[:300])
    assert error_codes(response.json()) == ["UNAUTHENTICATED"], response.text[:300]


def assert_signed_in(response: httpx.Response, viewer: dict[str, Any]) -> None:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["me"]["email"] == viewer["user"]["email"]


def test_a_flood_of_unknown_kids_on_a_cold_router_never_blocks_real_tokens(
    stack: Stack, viewer: dict[str, Any]
) -> None:
    # A router that has checked no token yet: with a rate-limited fetch per unknown kid, the
    # flood used up the fetches and the real token, whose key was not cached either, got a 500.
    cold_router = stack.start_router("cold-router", {})
    claims = jwt.decode(viewer["access"], options={"verify_signature": False})
    forged = [forged_token(claims) for _ in range(FORGED_TOKENS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda token: me(cold_router, token), forged))
    flood_seconds = time.monotonic() - started
    for response in responses:
        assert_unauthenticated(response)
    assert flood_seconds < 15, f"{FORGED_TOKENS} forged tokens took {flood_seconds:.1f} s"

    assert_signed_in(me(cold_router, viewer["access"]), viewer)
    other_user = signup(stack)
    assert_signed_in(me(cold_router, other_user["access"]), other_user)
    # And the flood goes on, mixed with real requests.
    for token in forged[:10]:
        assert_unauthenticated(me(cold_router, token))
        assert_signed_in(me(cold_router, viewer["access"]), viewer)


class JwksStandIn:
    """The users subgraph's JWKS served from a copy the test controls: up, down, or other keys."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.up = True
        self.requests = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stand_in.requests += 1
                if not stand_in.up:
                    self.send_error(503)
                    return
                body = json.dumps({"keys": stand_in.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for_refreshes(self, count: int) -> None:
        """Until the router has asked `count` more times (it refreshes every second)."""
        target = self.requests + count
        deadline = time.monotonic() + 10 * JWKS_REFRESH_SECONDS * count
        while self.requests < target:
            assert time.monotonic() < deadline, "the router stopped refreshing the JWKS"
            time.sleep(0.1)


@pytest.fixture
def jwks_stand_in(stack: Stack) -> Iterator[JwksStandIn]:
    published = httpx.get(f"{stack.subgraph_url('users')}/.well-known/jwks.json", timeout=30)
    stand_in = JwksStandIn(published.json()["keys"])
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def test_known_keys_keep_working_while_the_jwks_endpoint_is_down(
    stack: Stack, viewer: dict[str, Any], jwks_stand_in: JwksStandIn
) -> None:
    router = stack.start_router("jwks-down-router", {"JWT_JWKS_URL": jwks_stand_in.url})
    assert_signed_in(me(router, viewer["access"]), viewer)

    jwks_stand_in.up = False
    jwks_stand_in.wait_for_refreshes(3)
    assert_signed_in(me(router, viewer["access"]), viewer)
    assert_unauthenticated(me(router, forged_token({"token_type": "access"})))


def test_a_key_removed_from_the_jwks_is_refused_after_the_next_refresh(
    stack: Stack, viewer: dict[str, Any], jwks_stand_in: JwksStandIn
) -> None:
    router = stack.start_router("key-revocation-router", {"JWT_JWKS_URL": jwks_stand_in.url})
    assert_signed_in(me(router, viewer["access"]), viewer)

    jwks_stand_in.keys = []
    jwks_stand_in.wait_for_refreshes(2)
    assert_unauthenticated(me(router, viewer["access"]))


@pytest.mark.parametrize("claim", ["exp", "iat", "token_type", "id"])
def test_a_token_without_a_required_claim_is_refused_at_the_router(
    stack: Stack, viewer: dict[str, Any], claim: str
) -> None:
    assert_signed_in(me(stack.router_url, resigned(viewer["access"], stack)), viewer)
    requests_before = stack.subgraph_requests()
    response = me(stack.router_url, resigned(viewer["access"], stack, **{claim: None}))
    assert_unauthenticated(response)
    assert claim in response.json()["errors"][0]["message"]
    assert stack.subgraph_requests() == requests_before


def test_no_suggestions_in_production_from_variables(stack: Stack, viewer: dict[str, Any]) -> None:
    response = stack.graphql(
        OPERATIONS_DOCUMENT,
        {"input": {"titl": "A typo"}},
        access_token=viewer["access"],
        operation_name="CreatePost",
    )
    messages = [error["message"] for error in response.json()["errors"]]
    assert any('Field "titl" is not defined' in message for message in messages), messages
    assert not any("Did you mean" in message for message in messages), messages


def test_no_suggestions_in_production_from_validation(stack: Stack) -> None:
    for query in ("{ posts(frist: 1) { totalCount } }", "{ me { emial } }"):
        for error in stack.graphql(query).json()["errors"]:
            assert "Did you mean" not in error["message"], error


def preflight(stack: Stack, origin: str) -> httpx.Response:
    return httpx.options(
        f"{stack.router_url}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
        timeout=30,
    )


def test_cors_allows_each_listed_origin_by_name(stack: Stack) -> None:
    for origin in ALLOWED_ORIGINS:
        assert preflight(stack, origin).headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("origin", ["null", "https://evil.example", "https://admin.example.evil"])
def test_cors_never_allows_an_unlisted_origin_or_null(stack: Stack, origin: str) -> None:
    assert "access-control-allow-origin" not in preflight(stack, origin).headers
    response = stack.graphql(ME, headers={"Origin": origin})
    assert "access-control-allow-origin" not in response.headers
