"""The subgraphs' ASGI application: `/graphql` outside Django's handler, the API without the
middleware only the admin needs.

`/graphql` is Strawberry's ASGI application behind the kit's own layers
(`subgraph_kit.graphql_endpoint`, which says why), served here with the database guarantees
Django's handler gives a request (see `SubgraphApplication.serve_graphql`).

Sessions, authentication, messages, CSRF and WhiteNoise serve the admin and its static files.
Under an async server each costs thread hops per request (WhiteNoise is sync-only, so everything
after it ran in a worker thread): 16 thread switches per GraphQL request, about a third of a
subgraph's CPU time. `/graphql` authenticates with bearer tokens and is CSRF-exempt, so it uses
none of them. One process therefore holds two Django handlers: the admin's paths go through
`settings.MIDDLEWARE`, every other path but `/graphql` (health, metrics, JWKS, internal views)
through `settings.API_MIDDLEWARE` (request id and metrics, router secret, security headers, CORS).

Django also starts a thread per request: its handler runs each request in a
`ThreadSensitiveContext`, which creates a one-thread executor on the request's first
`sync_to_async` call (the `request_started` signal) and joins it at the end. Starting and joining
that thread was a tenth of a subgraph's CPU time under load. The API handler and `/graphql` lend
each request a one-thread executor from `RequestThreads` instead: the same guarantee (all of a
request's sync code, its database connection and transactions included, runs on one thread of its
own), with threads kept for the next requests.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started

from subgraph_kit.graphql_endpoint import GRAPHQL_PATH, load_graphql_endpoint

Scope = MutableMapping[str, Any]

ADMIN_PATH_PREFIXES = ("/admin/", "/static/")
# Threads kept between requests: as many as requests were once in flight together, up to this.
# Beyond it a burst's extra threads end with their requests.
MAX_IDLE_REQUEST_THREADS = 64


class RequestThread(ThreadPoolExecutor):
    """One thread that runs one request's sync code at a time, and knows when it is idle."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="request")
        self._last_call: Future[Any] | None = None
        self._before_next_call: Callable[[], object] | None = None

    def run_before_next_call(self, prelude: Callable[[], object]) -> None:
        """Runs `prelude` on this thread just before the next call submitted, in its turn."""
        self._before_next_call = prelude

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        prelude, self._before_next_call = self._before_next_call, None
        if prelude is not None:
            fn = functools.partial(_call_after, prelude, fn)
        call = super().submit(fn, *args, **kwargs)
        self._last_call = call
        return call

    @property
    def idle(self) -> bool:
        # Calls run one at a time in order: when the last one is done, every one is.
        return self._last_call is None or self._last_call.done()


def _call_after(
    prelude: Callable[[], object], fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    prelude()
    return fn(*args, **kwargs)


class RequestThreads:
    """Lends each request a `RequestThread` for its thread-sensitive calls, then keeps it.

    The thread is lent through asgiref's `ThreadSensitiveContext(executor=...)`, whose caller owns
    the executor. A thread still busy when its request ends (a request cancelled by a disconnect
    while its sync code ran: that code cannot be interrupted) is not lent again: it finishes that
    work and ends.
    """

    def __init__(self, max_idle: int = MAX_IDLE_REQUEST_THREADS) -> None:
        self.max_idle = max_idle
        # deque: append and pop are atomic, should two event loops share the handler (tests).
        self._idle: deque[RequestThread] = deque()

    @property
    def idle_count(self) -> int:
        return len(self._idle)

    @asynccontextmanager
    async def lend(self) -> AsyncIterator[RequestThread]:
        try:
            thread = self._idle.pop()
        except IndexError:
            thread = RequestThread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                yield thread
        finally:
            if thread.idle and len(self._idle) < self.max_idle:
                self._idle.append(thread)
            else:
                thread.shutdown(wait=False)


class APIHandler(ASGIHandler):
    """Django's ASGI handler with the chain built from `settings.API_MIDDLEWARE`, and each
    request's sync code on a thread lent by `RequestThreads` (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.request_threads = RequestThreads()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        # Django's __call__, but for the context manager: it checks the scope, then handles the
        # request inside a ThreadSensitiveContext of its own.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        async with self.request_threads.lend():
            await self.handle(scope, receive, send)

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


class SubgraphApplication:
    """`/graphql` to the GraphQL endpoint, the admin's paths to Django's handler, every other
    path to the API's."""

    def __init__(self) -> None:
        self.admin_handler = ASGIHandler()
        self.api_handler = APIHandler()
        self.graphql_endpoint = load_graphql_endpoint()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if path == GRAPHQL_PATH and scope["type"] == "http":
            await self.serve_graphql(scope, receive, send)
            return
        handler = self.admin_handler if is_admin_path(path) else self.api_handler
        await handler(scope, receive, send)

    async def serve_graphql(self, scope: Scope, receive: Any, send: Any) -> None:
        """What Django's handler guarantees a request's database work, around the endpoint: its
        sync code (resolvers' ORM calls, transactions) on one lent thread, and Django's
        `request_started` and `request_finished` sent on that thread, whose
        `close_old_connections` closes the thread's connection or returns it to the pool."""
        async with self.api_handler.request_threads.lend() as thread:
            # request_started's receivers run on the request's thread just before its first sync
            # code, in that call's turn: the same order as Django's, without a thread switch of
            # their own (each costs ~0.16 ms of CPU).
            thread.run_before_next_call(
                functools.partial(request_started.send, sender=self.__class__, scope=scope)
            )
            try:
                await self.graphql_endpoint(scope, receive, send)
            finally:
                # Sent from the thread, as Django's response.close() does; always a call there, so
                # request_started runs first if no resolver made one. Submitted to the thread as
                # it is: sync_to_async's bookkeeping (context copies, executor lookup) cost 1-4%
                # of a request's instructions, for a call that needs none of it.
                await asyncio.wrap_future(
                    thread.submit(functools.partial(request_finished.send, sender=self.__class__))
                )


def get_subgraph_asgi_application(settings_module: str) -> SubgraphApplication:
    """The ASGI application of a subgraph whose settings come from `subgraph_settings`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    django.setup(set_prefix=False)
    return SubgraphApplication()
