"""How the users service reaches the posts service's internal endpoints (accounts.posts_client):
when an account is deleted, posts records it and purges its posts."""

from __future__ import annotations

from typing import Any

import environ

from subgraph_kit.settings import required


def posts_service_settings(env: environ.Env, *, debug: bool) -> dict[str, Any]:
    return {
        # The posts service's base URL on the internal network, without a path (compose:
        # http://posts:8000). Calls carry ROUTER_SHARED_SECRET, as the router's do.
        "POSTS_INTERNAL_URL": required(
            env, "POSTS_INTERNAL_URL", debug=debug, development_default="http://127.0.0.1:4002"
        ).rstrip("/"),
    }
