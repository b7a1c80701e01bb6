"""The ASGI application: API paths through API_MIDDLEWARE, the admin's through MIDDLEWARE."""

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from asgiref.testing import ApplicationCommunicator

from subgraph_kit.asgi import get_subgraph_asgi_application

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


async def asgi_request(application, method, path, headers=()):
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
    await communicator.send_input({"type": "http.request", "body": b""})
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


def call(application, method, path, headers=()):
    return async_to_sync(asgi_request)(application, method, path, headers)


def test_api_paths_keep_request_id_and_security_headers(application):
    status, headers, _ = call(application, "GET", "/healthz", [("x-request-id", "trace-1")])

    assert status == 200
    assert headers["x-request-id"] == "trace-1"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-length"]


def test_api_paths_keep_the_router_secret_check(application):
    status, _, body = call(application, "POST", "/graphql")
    assert status == 403
    assert b"FORBIDDEN" in body

    status, _, _ = call(application, "POST", "/graphql", [ROUTER_SECRET])
    assert status == 200


def test_api_paths_run_their_middleware_without_thread_hops(application, thread_hops):
    call(application, "POST", "/graphql", [ROUTER_SECRET])

    # Only Django's own: the request_started signal and the response's close (request_finished),
    # both for database connection upkeep. Django's MiddlewareMixin would add two per middleware.
    assert [hop.__name__ for hop in thread_hops] == ["sync_send", "close"]


def test_admin_paths_go_through_the_admins_middleware(application):
    # The kit's test MIDDLEWARE has no SecurityMiddleware: no nosniff means the admin chain ran.
    status, headers, body = call(application, "GET", "/admin/page")

    assert (status, body) == (200, b'{"admin": true}')
    assert "x-content-type-options" not in headers
    assert headers["x-request-id"]
