"""One subgraph answering one GraphQL request over and over, in-process: bench.instructions runs
it under valgrind (see there).

    python -m bench.in_process SERVICE OPERATION VARIABLES WARMUP REQUESTS JWT_SECRET
        ROUTER_SECRET USER_ID

The request goes through the service's ASGI application as uvicorn would hand it over (the
kit's layers, Strawberry, the resolvers, the database), with the router's secret and an access
token for USER_ID. Every answer is checked: a request that fails would count other work.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid

import uvloop

from subgraph_kit.asgi import get_subgraph_asgi_application
from subgraph_kit.testing import mint_token


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


async def answer(application, scope: dict[str, object], body: bytes) -> None:
    """One request through `application`; exits on anything but a 200 with data and no errors."""
    sent = []
    body_read = False

    async def receive() -> dict[str, object]:
        nonlocal body_read
        if body_read:
            await asyncio.Event().wait()  # Never disconnects: the request ends first.
        body_read = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await application(dict(scope), receive, send)
    status = sent[0]["status"]
    result = json.loads(b"".join(message.get("body", b"") for message in sent[1:]))
    if status != 200 or "errors" in result or not result.get("data"):
        raise SystemExit(f"unexpected answer ({status}): {result}")


async def serve(application, scope: dict[str, object], body: bytes, times: int) -> None:
    for _ in range(times):
        await answer(application, scope, body)


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
