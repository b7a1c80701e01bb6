"""One subgraph answering one GraphQL request over and over, in-process: bench.instructions runs
it under valgrind (see there).

    python -m bench.in_process SERVICE OPERATION VARIABLES WARMUP REQUESTS JWT_SECRET
        ROUTER_SECRET USER_ID

The request goes through the service's ASGI application as uvicorn would hand it over (the
kit's layers, Strawberry, the resolvers, the database), with the router's secret and an access
token for USER_ID, sent with the kit's test helper (`subgraph_kit.testing.call_asgi`). Every
answer is checked: a request that fails would count other work.
"""

from __future__ import annotations

import json
import sys
import uuid

import uvloop

from subgraph_kit.asgi import get_subgraph_asgi_application
from subgraph_kit.testing import call_asgi, mint_token


def request_scope(token: str, router_secret: str) -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"x-router-secret", router_secret.encode()),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4000),
    }


async def serve(application, scope: dict[str, object], body: bytes, times: int) -> None:
    """`times` requests through `application`; exits on an answer other than a 200 without
    errors."""
    for _ in range(times):
        response = await call_asgi(application, dict(scope), body)
        if response.status_code != 200 or b'"errors"' in response.content:
            raise SystemExit(f"unexpected answer ({response.status_code}): {response.content!r}")


def main() -> None:
    service, operation, variables, warmup, requests = sys.argv[1:6]
    jwt_secret, router_secret, viewer_id = sys.argv[6:9]
    application = get_subgraph_asgi_application(f"{service}_subgraph.settings")
    token = mint_token(signing_key=jwt_secret, algorithm="HS256", user_id=uuid.UUID(viewer_id))
    scope = request_scope(token, router_secret)
    body = json.dumps({"query": operation, "variables": json.loads(variables)}).encode()
    uvloop.run(serve(application, scope, body, int(warmup) + int(requests)))


if __name__ == "__main__":
    main()
