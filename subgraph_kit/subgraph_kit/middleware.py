"""Django's header middlewares, run in the event loop instead of through thread hops.

Under an async server, Django runs each `MiddlewareMixin` hook through `sync_to_async`: two
thread switches per middleware per request. The hooks of these middlewares only read the request
and set headers or redirects (no I/O, no database), so calling them inline is safe and keeps
every check and header they add. The API chain (`API_MIDDLEWARE`, see `subgraph_kit.asgi`) uses
these; the admin keeps Django's own classes.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware import clickjacking, common, security


class InlineHooksMixin:
    """Runs a `MiddlewareMixin`'s `process_request`/`process_response` without thread hops.

    Only for middlewares whose hooks do no blocking I/O.
    """

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            response = self.process_response(request, response)
        return response


class SecurityMiddleware(InlineHooksMixin, security.SecurityMiddleware):
    """nosniff, HSTS, referrer and cross-origin-opener policies, HTTPS redirect (if set)."""


class CommonMiddleware(InlineHooksMixin, common.CommonMiddleware):
    """Disallowed user agents, trailing-slash redirects, Content-Length."""


class XFrameOptionsMiddleware(InlineHooksMixin, clickjacking.XFrameOptionsMiddleware):
    """X-Frame-Options on every response."""
