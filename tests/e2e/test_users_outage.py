"""With the users subgraph down, posts still answer; the router recovers when users returns.

Every answer meanwhile is a GraphQL response (HTTP 200) whose error names the missing service
with DOWNSTREAM_SERVICE_ERROR: never "Unexpected error." with a 500, which is what the gateway
made of a connection refused before router/plugins/unreachable-subgraph.ts.
"""

from __future__ import annotations

import time

from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import Stack


def assert_users_unreachable(body: dict, field: str) -> None:
    [error] = body["errors"]
    assert error["path"] == [field]
    assert error["extensions"] == {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "users"}
    assert error["message"] == "The users service could not be reached; retry shortly."


def test_posts_survive_a_users_outage_and_the_router_recovers(stack: Stack) -> None:
    tokens = signup(stack)
    email = tokens["user"]["email"]
    call(stack, "CreatePost", {"input": {"title": "Resilient"}}, access_token=tokens["access"])
    users = stack.services["users"]

    users.stop()
    try:
        degraded = call(stack, "MyPosts", access_token=tokens["access"])
        edges = degraded["data"]["myPosts"]["edges"]
        assert [edge["node"]["title"] for edge in edges] == ["Resilient"]
        assert edges[0]["node"]["author"] is None
        assert error_codes(degraded) == ["DOWNSTREAM_SERVICE_ERROR"]
        assert degraded["errors"][0]["extensions"]["serviceName"] == "users"

        # Operations users alone answers: a GraphQL error a client can branch on (retry).
        me = call(stack, "Me", access_token=tokens["access"])
        assert me.get("data") is None
        assert_users_unreachable(me, "me")
        login = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
        assert login.get("data") is None
        assert_users_unreachable(login, "login")
    finally:
        users.start()
        users.wait_until_healthy()
    # The router logged the failed calls without their content (a login carries a password).
    router_log = stack.services["router"].log_path.read_text()
    assert '"msg":"subgraph unreachable"' in router_log
    assert PASSWORD not in router_log

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
