"""The address of the client a request comes from: the one the router saw, when it can be trusted.

Behind the router, a subgraph's peer is the router itself; the router puts the address of its own
client in `X-Client-IP`, overwriting whatever the client sent. That header is believed only when
ROUTER_SHARED_SECRET is set: RouterSecretMiddleware then refuses every request that does not come
from the router, so nobody else can choose the header's value. Without the secret (development),
anyone who reaches the subgraph could, so the peer address is used instead: through
the router, every client then shares the router's address.

`request` is the Starlette request `/graphql` is served with (`SubgraphContext.request`).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from starlette.requests import Request

CLIENT_IP_HEADER = "X-Client-IP"
# The peer address can be missing (a server on a Unix socket): such clients share one address.
UNKNOWN_ADDRESS = "unknown"


def client_address(request: Request) -> str:
    """The client's IP address in canonical form (IPv4-mapped IPv6 addresses as IPv4)."""
    if getattr(settings, "ROUTER_SHARED_SECRET", ""):
        routed = _canonical_ip(request.headers.get(CLIENT_IP_HEADER))
        if routed is not None:
            return routed
    peer = request.client.host if request.client is not None else None
    return _canonical_ip(peer) or UNKNOWN_ADDRESS


def _canonical_ip(value: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
