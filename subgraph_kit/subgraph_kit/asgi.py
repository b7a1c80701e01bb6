"""The subgraphs' ASGI application: the API skips the middleware only the admin needs.

Sessions, authentication, messages, CSRF and WhiteNoise serve the admin and its static files.
Under an async server each costs thread hops per request (WhiteNoise is sync-only, so everything
after it ran in a worker thread): 16 thread switches per GraphQL request, about a third of a
subgraph's CPU time. `/graphql` authenticates with bearer tokens and is CSRF-exempt, so it uses
none of them. One process therefore holds two Django handlers: the admin's paths go through
`settings.MIDDLEWARE`, every other path (GraphQL, health, metrics, JWKS) through
`settings.API_MIDDLEWARE` (request id and metrics, router secret, security headers, CORS).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import django
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

ADMIN_PATH_PREFIXES = ("/admin/", "/static/")


class APIHandler(ASGIHandler):
    """Django's ASGI handler with the chain built from `settings.API_MIDDLEWARE`."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE only: point it at the API's list while
        # the chain is built (once, when the application is created), then restore it (the
        # admin's system checks and handler read MIDDLEWARE).
        admin_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = admin_middleware


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PATH_PREFIXES)


def get_subgraph_asgi_application(settings_module: str) -> ASGIApp:
    """The ASGI application of a subgraph whose settings come from `subgraph_settings`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    django.setup(set_prefix=False)
    admin_handler = ASGIHandler()
    api_handler = APIHandler()

    async def application(scope: Scope, receive: Any, send: Any) -> None:
        handler = admin_handler if is_admin_path(scope.get("path", "")) else api_handler
        await handler(scope, receive, send)

    return application
