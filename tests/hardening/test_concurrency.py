"""Races through the router, on real processes and PostgreSQL: requests fired at the same moment.

- 50 sign-ups with one email: one account, 49 clear duplicate errors.
- 50 updates of one post with distinct values: every answer is the update it sent, never a mix
  of two, and the post ends as one of them.
- 20 refreshes with one refresh token: exactly one new pair; the token is single-use.

The users service's rate limits are off here, and the timeouts long: this is
about races, not limits.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import RATE_LIMITS_OFF, requires_postgres
from tests.support.client import OPERATIONS_DOCUMENT, PASSWORD, call, error_codes, signup
from tests.support.stack import Stack

pytestmark = requires_postgres

DUPLICATE_EMAIL_MESSAGE = "There is already a registered user with this email"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {
        "ROUTER_SHARED_SECRET": "concurrency-" + uuid.uuid4().hex,
        **RATE_LIMITS_OFF,
        # 50 sign-ups hash 50 passwords (Argon2) on 2 shared cores, each holding a database
        # connection meanwhile: the last ones can wait longer than the router's subgraph timeout
        # and the connection pool's timeout allow in production. Neither is under test here.
        "ROUTER_SUBGRAPH_TIMEOUT_MS": "120000",
        "DATABASE_POOL_TIMEOUT_SECONDS": "60",
    }


def at_once(count: int, send: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    """Run send(0) ... send(count - 1) in as many threads, released together by a barrier."""
    barrier = threading.Barrier(count)

    def released(index: int) -> dict[str, Any]:
        barrier.wait(timeout=30)
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(released, range(count)))


def operation(
    stack: Stack, name: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """One committed operation through the router. The timeout is long: 50 requests at once on
    2 cores queue behind each other, and a slow answer is not what these tests are about."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = {"query": OPERATIONS_DOCUMENT, "variables": variables, "operationName": name}
    response = httpx.post(f"{stack.router_url}/graphql", json=payload, headers=headers, timeout=120)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def test_concurrent_signups_with_one_email_create_one_user(stack: Stack) -> None:
    email = f"race-{uuid.uuid4().hex[:10]}@example.com"
    signup_input = {"input": {"email": email, "password": PASSWORD}}

    answers = at_once(50, lambda _: operation(stack, "Signup", signup_input))

    succeeded = [answer for answer in answers if not answer.get("errors")]
    refused = [answer for answer in answers if answer.get("errors")]
    assert len(succeeded) == 1, answers
    assert len(refused) == 49
    for answer in refused:
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["message"] == DUPLICATE_EMAIL_MESSAGE
    users = stack.services["users"]
    count_accounts = (
        "from accounts.models import User; "
        f"print(User.objects.filter(email__iexact={email!r}).count())"
    )
    accounts = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", count_accounts],
        cwd=users.cwd,
        env=users.env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    assert accounts == "1"


def test_concurrent_updates_of_one_post_each_answer_one_whole_update(stack: Stack) -> None:
    tokens = signup(stack)
    created = call(stack, "CreatePost", {"input": {"title": "v0"}}, access_token=tokens["access"])
    post_id = created["data"]["createPost"]["id"]
    updates = [
        {"title": f"title {index}", "description": f"description {index}"} for index in range(50)
    ]

    answers = at_once(
        50,
        lambda index: operation(
            stack, "UpdatePost", {"id": post_id, "input": updates[index]}, tokens["access"]
        ),
    )

    for index, answer in enumerate(answers):
        assert error_codes(answer) == [], answer
        post = answer["data"]["updatePost"]
        assert {"title": post["title"], "description": post["description"]} == updates[index]
    final = call(stack, "Post", {"id": post_id}, access_token=tokens["access"])["data"]["post"]
    assert {"title": final["title"], "description": final["description"]} in updates


def test_concurrent_refreshes_with_one_token_succeed_once(stack: Stack) -> None:
    refresh_token = signup(stack)["refresh"]

    answers = at_once(20, lambda _: operation(stack, "RefreshToken", {"refresh": refresh_token}))

    succeeded = [answer for answer in answers if not answer.get("errors")]
    assert len(succeeded) == 1, answers
    for answer in answers:
        if answer.get("errors"):
            assert error_codes(answer) == ["UNAUTHENTICATED"], answer
    new_refresh_token = succeeded[0]["data"]["refreshToken"]["refresh"]
    again = operation(stack, "RefreshToken", {"refresh": new_refresh_token})
    assert error_codes(again) == [], again
