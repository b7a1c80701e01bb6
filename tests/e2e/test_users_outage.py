"""With the users subgraph down, posts still answer; the router recovers when users returns."""

from __future__ import annotations

import time

from tests.support.client import call, error_codes, signup
from tests.support.stack import Stack


def test_posts_survive_a_users_outage_and_the_router_recovers(stack: Stack) -> None:
    tokens = signup(stack)
    call(stack, "CreatePost", {"input": {"title": "Resilient"}}, access_token=tokens["access"])
    users = stack.services["users"]

    users.stop()
    try:
        degraded = call(stack, "MyPosts", access_token=tokens["access"])
        edges = degraded["data"]["myPosts"]["edges"]
        assert [edge["node"]["title"] for edge in edges] == ["Resilient"]
        assert edges[0]["node"]["author"] is None
        assert degraded["errors"], degraded
    finally:
        users.start()
        users.wait_until_healthy()

    deadline = time.monotonic() + 15
    while True:
        recovered = call(stack, "MyPosts", access_token=tokens["access"])
        if "errors" not in recovered or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "errors" not in recovered, recovered
    assert error_codes(recovered) == []
    author = recovered["data"]["myPosts"]["edges"][0]["node"]["author"]
    assert author["email"] == tokens["user"]["email"]
