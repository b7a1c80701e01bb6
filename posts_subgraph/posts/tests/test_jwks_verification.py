"""JWKS mode: the users service's public keys are fetched once from its JWKS URL and cached."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from subgraph_kit.keys import generate_private_key_pem, public_key_pem
from subgraph_kit.testing import error_codes, execute_graphql, mint_token

KEY_ID = "users-key-1"
MY_POSTS = "{ myPosts { totalCount } }"


@dataclass
class JwksServer:
    """A stand-in for the users service's /.well-known/jwks.json, counting its requests."""

    document: dict
    requests: list[str] = field(default_factory=list)

    @property
    def fetch_count(self) -> int:
        return len(self.requests)


@pytest.fixture
def jwks_server(signing_key: str) -> Iterator[tuple[JwksServer, str]]:
    public_key = load_pem_public_key(public_key_pem(signing_key).encode())
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(public_key, as_dict=True), "kid": KEY_ID}
    jwk.update({"use": "sig", "alg": "RS256"})
    server_state = JwksServer(document={"keys": [jwk]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.requests.append(self.path)
            body = json.dumps(server_state.document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state, f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def jwks_mode(settings, jwks_server) -> JwksServer:
    state, url = jwks_server
    settings.JWT_VERIFICATION = {**settings.JWT_VERIFICATION, "public_key": None, "jwks_url": url}
    return state


def test_tokens_verify_with_the_jwks_fetched_once(client, db, signing_key, jwks_mode):
    tokens = [
        mint_token(signing_key=signing_key, user_id=uuid.uuid4(), headers={"kid": KEY_ID})
        for _ in range(3)
    ]

    bodies = [execute_graphql(client, MY_POSTS, access_token=token) for token in tokens]

    assert bodies == [{"data": {"myPosts": {"totalCount": 0}}}] * 3
    assert jwks_mode.requests == ["/.well-known/jwks.json"]


def test_an_unknown_key_id_is_unauthenticated_without_refetching_at_once(
    client, db, signing_key, jwks_mode
):
    good = mint_token(signing_key=signing_key, user_id=uuid.uuid4(), headers={"kid": KEY_ID})
    unknown = mint_token(signing_key=signing_key, user_id=uuid.uuid4(), headers={"kid": "other"})
    execute_graphql(client, MY_POSTS, access_token=good)

    bodies = [execute_graphql(client, MY_POSTS, access_token=unknown) for _ in range(3)]

    assert all(error_codes(body) == ["UNAUTHENTICATED"] for body in bodies)
    assert jwks_mode.fetch_count == 1


def test_a_token_signed_with_another_key_is_rejected_in_jwks_mode(client, db, jwks_mode):
    forged = mint_token(
        signing_key=generate_private_key_pem(), user_id=uuid.uuid4(), headers={"kid": KEY_ID}
    )

    assert error_codes(execute_graphql(client, MY_POSTS, access_token=forged)) == [
        "UNAUTHENTICATED"
    ]
