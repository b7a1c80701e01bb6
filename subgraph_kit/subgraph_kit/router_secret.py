"""Only the router may call a subgraph: requests must carry the secret the router adds.

Without this, anyone who can reach a subgraph could call `_entities` and `_service` directly and
skip the router's checks (token verification, limits). Deny by default: every path needs the
secret except those that must stay reachable without it.

Rotating the secret without an outage: the subgraphs accept ROUTER_SHARED_SECRET_PREVIOUS too
while the router still sends it, so subgraphs and router can be recreated one after the other
(docs/deploy.md, "Rotating the router's secret").
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

ROUTER_SECRET_HEADER = "X-Router-Secret"  # noqa: S105 (a header name)
# Health checks come from the orchestrator; metrics from the scraper, on the internal network
# that only the router's port leaves (a scraper sends no router secret); the JWKS holds public
# keys only; the admin has its own login (staff sessions) and its static files are public.
OPEN_PATH_PREFIXES = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/.well-known/jwks.json",
    "/admin/",
    "/static/",
)

FORBIDDEN_ERROR = {
    "message": "Forbidden: subgraphs accept requests from the router only",
    "extensions": {"code": "FORBIDDEN"},
}

logger = logging.getLogger("subgraph_kit.router_secret")


@functools.cache
def warn_that_the_secret_is_missing() -> None:
    # Once per process, though each of the process's middleware chains builds this middleware.
    logger.warning(
        "ROUTER_SHARED_SECRET is not set: this subgraph accepts requests from anyone who "
        "can reach it, not only from the router. Set it in every deployed environment."
    )


class AcceptedRouterSecrets:
    """The secrets a request may present (the current one and, while rotating, the previous)."""

    def __init__(self) -> None:
        current = getattr(settings, "ROUTER_SHARED_SECRET", "") or ""
        previous = getattr(settings, "ROUTER_SHARED_SECRET_PREVIOUS", "") or ""
        # Without a current secret there is no check: a previous one alone does not turn it on.
        self.secrets = (
            [secret.encode() for secret in (current, previous) if secret] if current else []
        )
        if not self.secrets:
            warn_that_the_secret_is_missing()

    def refuse(self, path: str, presented: str | None) -> bool:
        """Whether a request for `path` presenting `presented` (the header value) is refused."""
        if not self.secrets or path.startswith(OPEN_PATH_PREFIXES):
            return False
        presented_bytes = (presented or "").encode()
        # Compared with every accepted secret, not stopping at a match: the time taken does not
        # tell which one matched.
        matches = [hmac.compare_digest(presented_bytes, secret) for secret in self.secrets]
        return not any(matches)


class RouterSecretMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        self.accepted_secrets = AcceptedRouterSecrets()
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.accepted_secrets.refuse(request.path, request.headers.get(ROUTER_SECRET_HEADER)):
            return JsonResponse({"errors": [FORBIDDEN_ERROR]}, status=403)
        return await self.get_response(request)


class RouterSecretASGIMiddleware:
    """The same check in front of an ASGI application (`/graphql`, see
    `subgraph_kit.graphql_endpoint`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.accepted_secrets = AcceptedRouterSecrets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        presented = Headers(scope=scope).get(ROUTER_SECRET_HEADER)
        if self.accepted_secrets.refuse(scope["path"], presented):
            refusal = JSONResponse({"errors": [FORBIDDEN_ERROR]}, status_code=403)
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
