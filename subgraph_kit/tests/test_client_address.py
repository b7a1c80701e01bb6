"""client_address: the router's X-Client-IP when only the router can call, else the peer."""

import pytest
from django.test import override_settings
from starlette.requests import Request

from subgraph_kit.client_address import client_address


def request_from(peer: str | None, **headers: str) -> Request:
    """The request `/graphql` is served with (Starlette's), from `peer` with `headers`."""
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
            "client": None if peer is None else (peer, 50000),
        }
    )


@override_settings(ROUTER_SHARED_SECRET="router-secret")
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        (" 2001:DB8::0:1 ", "2001:db8::1"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        # Not an address (a router bug): the peer, the router itself, is counted instead.
        ("203.0.113.5, 10.0.0.1", "10.0.0.9"),
        ("", "10.0.0.9"),
    ],
)
def test_with_the_router_secret_the_routers_header_is_the_client(header, expected):
    assert client_address(request_from("10.0.0.9", **{"X-Client-IP": header})) == expected


@override_settings(ROUTER_SHARED_SECRET="")
def test_without_the_router_secret_the_header_is_ignored():
    # Anyone who reaches the subgraph could choose it.
    assert client_address(request_from("10.0.0.9", **{"X-Client-IP": "203.0.113.5"})) == "10.0.0.9"


def test_without_a_peer_address_clients_share_one():
    assert client_address(request_from(None)) == "unknown"
