"""The ASGI application: `/graphql` to the GraphQL endpoint, other API paths through API_MIDDLEWARE,
the admin's through MIDDLEWARE."""

import asyncio
import functools
import json
import threading

import pytest
from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.core.signals import request_finished, request_started

from subgraph_kit.asgi import (
    RequestThread,
    RequestThreads,
    SubgraphApplication,
    get_subgraph_asgi_application,
)
from tests.sync_work import SYNC_WORK_THREADS

ROUTER_SECRET = ("x-router-secret", "router-secret-for-tests")


@pytest.fixture(scope="module")
def application():
    return get_subgraph_asgi_application("tests.settings")


@pytest.fixture
def thread_hops(monkeypatch):
    """The sync functions the request ran through `sync_to_async` (each: a thread switch)."""
    hops = []
    original_call = SyncToAsync.__call__

    async def counting_call(self, *args, **kwargs):
        hops.append(self.func)
        return await original_call(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting_call)
    return hops


@pytest.fixture
def thread_calls(monkeypatch):
    """The calls a request submitted to its lent thread, each a thread switch: the functions."""
    calls = []
    original_submit = RequestThread.submit

    def recording_submit(self, fn, /, *args, **kwargs):
        calls.append(fn.func if isinstance(fn, functools.partial) else fn)
        return original_submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(RequestThread, "submit", recording_submit)
    return calls


async def asgi_request(application, method, path, headers=(), body=b""):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(name.encode(), value.encode()) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(5)
    body = b""
    while True:
        message = await communicator.receive_output(5)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(5)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, body


def call(application, method, path, headers=(), body=b""):
    return async_to_sync(asgi_request)(application, method, path, headers, body)


JSON_CONTENT_TYPE = ("content-type", "application/json")


def call_graphql(application, headers=()):
    body = b'{"query": "{ greeting }"}'
    return call(application, "POST", "/graphql", [JSON_CONTENT_TYPE, *headers], body)


def test_api_paths_keep_request_id_and_security_headers(application):
    status, headers, _ = call(application, "GET", "/healthz", [("x-request-id", "trace-1")])

    assert status == 200
    assert headers["x-request-id"] == "trace-1"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-length"]


def test_graphql_keeps_the_router_secret_check(application):
    status, _, body = call_graphql(application)
    assert status == 403
    assert b"FORBIDDEN" in body

    status, _, body = call_graphql(application, [ROUTER_SECRET])
    assert (status, json.loads(body)) == (200, {"data": {"greeting": "hello"}})


def test_graphql_keeps_the_request_id_and_security_headers(application):
    status, headers, _ = call_graphql(application, [ROUTER_SECRET, ("x-request-id", "trace-2")])

    assert status == 200
    assert headers["x-request-id"] == "trace-2"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"


def test_graphql_is_served_without_djangos_handler(application, monkeypatch):
    def no_django(*args, **kwargs):
        raise AssertionError("Django's handler served /graphql")

    monkeypatch.setattr(application.api_handler, "handle", no_django)
    monkeypatch.setattr(application.admin_handler, "handle", no_django)

    assert call_graphql(application, [ROUTER_SECRET])[0] == 200


def test_a_sync_free_graphql_operation_makes_one_thread_hop(application, thread_calls):
    call_graphql(application, [ROUTER_SECRET])

    # One: request_finished, for database connection upkeep, with request_started run just
    # before it on the same call (the resolver is sync-free). Django's handler makes two
    # (request_started, the response's close), and its MiddlewareMixin two per middleware.
    # Submitted as it is, not through sync_to_async, whose bookkeeping (contexts, the
    # executor lookup) was 1% of a request's instructions for a call that needs none of it.
    assert thread_calls == [request_finished.send]


def test_api_paths_run_their_middleware_without_thread_hops(application, thread_hops):
    call(application, "GET", "/healthz", [ROUTER_SECRET])

    # Only Django's own: the request_started signal and the response's close (request_finished),
    # both for database connection upkeep.
    assert [hop.__name__ for hop in thread_hops] == ["sync_send", "close"]


def test_admin_paths_go_through_the_admins_middleware(application):
    # The kit's test MIDDLEWARE has no SecurityMiddleware: no nosniff means the admin chain ran.
    status, headers, body = call(application, "GET", "/admin/page")

    assert (status, body) == (200, b'{"admin": true}')
    assert "x-content-type-options" not in headers
    assert headers["x-request-id"]


@pytest.fixture
def own_application():
    """An application of the test's own: its kept threads hold the test's database connections
    (SQLite keeps an in-memory database's connection open), which no other test should get."""
    application = SubgraphApplication()
    yield application
    for thread in application.api_handler.request_threads._idle:
        thread.shutdown()


def do_sync_work(application, path: str) -> int:
    """A request whose sync code opens a database connection: the event loop's thread id."""
    if path == "/graphql":
        body = b'{"query": "{ syncWork }"}'
        headers = [ROUTER_SECRET, JSON_CONTENT_TYPE]
        answer = json.loads(call(application, "POST", path, headers, body)[2])
        return int(answer["data"]["syncWork"])
    return json.loads(call(application, "GET", path, [ROUTER_SECRET])[2])["loop_thread"]


# The GraphQL endpoint (outside Django's handler) and a view of the API's Django handler.
SYNC_WORK_PATHS = ["/graphql", "/sync-work"]


# The request opens a database connection on the lent thread, outside the test's transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", SYNC_WORK_PATHS)
def test_a_requests_sync_code_runs_on_a_thread_kept_for_the_next_requests(own_application, path):
    SYNC_WORK_THREADS.clear()
    loop_threads = [do_sync_work(own_application, path) for _ in range(5)]

    # Not on the event loop's thread, and on the same kept thread each time: Django's handler
    # would start and join a new one per request.
    assert all(loop_thread != SYNC_WORK_THREADS[0].ident for loop_thread in loop_threads)
    assert len(SYNC_WORK_THREADS) == 5
    assert all(thread is SYNC_WORK_THREADS[0] for thread in SYNC_WORK_THREADS)
    assert own_application.api_handler.request_threads.idle_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", SYNC_WORK_PATHS)
def test_djangos_connection_upkeep_runs_on_the_requests_thread(own_application, path):
    # close_old_connections, connected to both signals, closes (or returns to PostgreSQL's pool)
    # the connection of the thread it runs on: it must be the thread the request's queries used.
    upkeep = []

    def record(signal, **kwargs):
        upkeep.append((signal, threading.current_thread(), len(SYNC_WORK_THREADS)))

    SYNC_WORK_THREADS.clear()
    request_started.connect(record)
    request_finished.connect(record)
    try:
        do_sync_work(own_application, path)
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)

    # On the thread of the request's query, started before it and finished after it.
    request_thread = SYNC_WORK_THREADS[0]
    assert upkeep == [(request_started, request_thread, 0), (request_finished, request_thread, 1)]


@pytest.mark.django_db(transaction=True)
def test_a_graphql_request_without_sync_code_still_sends_both_signals_in_order(own_application):
    upkeep = []

    def record(signal, **kwargs):
        upkeep.append((signal, threading.current_thread()))

    request_started.connect(record)
    request_finished.connect(record)
    try:
        status, _, _ = call_graphql(own_application)  # no router secret: refused, no resolver
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)

    assert status == 403
    assert [signal for signal, _ in upkeep] == [request_started, request_finished]
    assert upkeep[0][1] is upkeep[1][1] is not threading.current_thread()


def test_a_prelude_runs_once_on_the_thread_just_before_the_next_call():
    thread = RequestThread()
    calls = []

    def recorder(name):
        return lambda: calls.append((name, threading.current_thread()))

    try:
        thread.run_before_next_call(recorder("prelude"))
        thread.submit(recorder("first")).result(5)
        thread.submit(recorder("second")).result(5)
    finally:
        thread.shutdown()

    assert [name for name, _ in calls] == ["prelude", "first", "second"]
    assert len({ran_on for _, ran_on in calls}) == 1
    assert calls[0][1] is not threading.current_thread()


def run_requests_together(threads: RequestThreads, count: int) -> set[int]:
    """`count` requests whose sync code waits for the others': each must have a thread."""
    all_in = threading.Barrier(count, timeout=5)
    seen = set()

    def wait_for_the_others():
        seen.add(threading.get_ident())
        all_in.wait()

    async def request():
        async with threads.lend():
            await sync_to_async(wait_for_the_others)()

    async def main():
        await asyncio.gather(*(request() for _ in range(count)))

    asyncio.run(main())
    return seen


def test_concurrent_requests_get_threads_of_their_own():
    threads = RequestThreads()

    assert len(run_requests_together(threads, 3)) == 3
    assert threads.idle_count == 3


def test_idle_threads_are_kept_up_to_a_limit():
    threads = RequestThreads(max_idle=2)

    assert len(run_requests_together(threads, 4)) == 4
    assert threads.idle_count == 2


def test_a_thread_still_busy_when_its_request_ends_is_not_lent_again():
    threads = RequestThreads()
    entered, release = threading.Event(), threading.Event()
    busy_thread = []

    def uninterruptible():
        busy_thread.append(threading.get_ident())
        entered.set()
        release.wait(5)

    async def cancelled_request():
        async with threads.lend():
            work = asyncio.create_task(sync_to_async(uninterruptible)())
            assert await asyncio.to_thread(entered.wait, 5)
            # A client disconnect: Django cancels the request while its sync code runs.
            work.cancel()
            with pytest.raises(asyncio.CancelledError):
                await work

    async def next_request():
        async with threads.lend():
            return await sync_to_async(threading.get_ident)()

    asyncio.run(cancelled_request())
    assert threads.idle_count == 0
    next_thread = asyncio.run(next_request())
    release.set()

    assert next_thread != busy_thread[0]
