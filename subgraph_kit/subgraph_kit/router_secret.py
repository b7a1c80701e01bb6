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


class RouterSecretMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        current = getattr(settings, "ROUTER_SHARED_SECRET", "") or ""
        previous = getattr(settings, "ROUTER_SHARED_SECRET_PREVIOUS", "") or ""
        # Without a current secret there is no check: a previous one alone does not turn it on.
        self.accepted_secrets = (
            [secret.encode() for secret in (current, previous) if secret] if current else []
        )
        if not self.accepted_secrets:
            warn_that_the_secret_is_missing()
        markcoroutinefunction(self)

    def presents_an_accepted_secret(self, request: HttpRequest) -> bool:
        presented = request.headers.get(ROUTER_SECRET_HEADER, "").encode()
        # Compared with every accepted secret, not stopping at a match: the time taken does not
        # tell which one matched.
        matches = [hmac.compare_digest(presented, secret) for secret in self.accepted_secrets]
        return any(matches)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.accepted_secrets
            and not request.path.startswith(OPEN_PATH_PREFIXES)
            and not self.presents_an_accepted_secret(request)
        ):
            return JsonResponse({"errors": [FORBIDDEN_ERROR]}, status=403)
        return await self.get_response(request)
