"""Fixtures shared by the accounts tests: users, their real tokens, and the GraphQL endpoint."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.services import TokenPair, token_pair_issue
from accounts.tests.posts_service import FakePostsService, serve
from subgraph_kit.settings import parse_rate
from subgraph_kit.testing import (
    SubgraphClient,
    execute_graphql,
    subgraph_client,  # noqa: F401 (the `client` fixture)
)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def create_user(db: None) -> Callable[..., User]:
    def create(email: str = "ada@example.com", password: str = PASSWORD, **fields: Any) -> User:
        return User.objects.create_user(email=email, password=password, **fields)

    return create


@pytest.fixture
def user(create_user: Callable[..., User]) -> User:
    return create_user()


@pytest.fixture
def tokens(user: User) -> TokenPair:
    return token_pair_issue(user=user)


@pytest.fixture
def graphql(client: SubgraphClient) -> Callable[..., dict[str, Any]]:
    """POST an operation to /graphql, as production serves it; `access_token` sets Authorization."""

    def execute(
        query: str, variables: dict[str, Any] | None = None, *, access_token: str | None = None
    ) -> dict[str, Any]:
        return execute_graphql(client, query, variables, access_token=access_token)

    return execute


@pytest.fixture
def graphql_from(db: None) -> Callable[..., dict[str, Any]]:
    """Like `graphql`, from a client at another address (the peer address, REMOTE_ADDR)."""

    def execute(
        address: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        access_token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return execute_graphql(
            SubgraphClient(REMOTE_ADDR=address),
            query,
            variables,
            access_token=access_token,
            headers=headers,
        )

    return execute


def run_queued_tasks() -> list[DBTaskResult]:
    """Run every queued task in this process, as `manage.py db_worker` does (its own Worker's
    run_task), without its loop's transaction and connection handling; return the results."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = []
    while (queued := DBTaskResult.objects.ready().first()) is not None:
        queued.claim(worker.worker_id)
        worker.run_task(queued)
        queued.refresh_from_db()
        ran.append(queued)
    return ran


@pytest.fixture
def mandatory_verification(settings: Any) -> None:
    """ACCOUNT_EMAIL_VERIFICATION=mandatory: unverified accounts get no tokens."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


@pytest.fixture
def set_rate_limits(settings: Any) -> Callable[..., None]:
    """Override limits, as the environment would: `set_rate_limits(LOGIN_PER_CLIENT="3/min")`."""

    def apply(**rates: str) -> None:
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            **{name: parse_rate(name, value) for name, value in rates.items()},
        }

    return apply


class Clock:
    """The rate limits' clock, moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # 10 seconds into a window, for every window length from a second to an hour.
    fixed = Clock(now=1_800_000_000.0 + 10)
    monkeypatch.setattr("subgraph_kit.rate_limits.current_time", lambda: fixed.now)
    return fixed


@pytest.fixture
def signing_key(settings: Any) -> str:
    return settings.SIMPLE_JWT["SIGNING_KEY"]


def run_concurrently(count: int, task: Callable[[], Any]) -> list[Any]:
    """Run `task` in `count` threads released at the same instant; return their results."""
    return run_all_concurrently([task] * count)


def run_all_concurrently(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run each task in its own thread, all released at the same instant; return their results.

    Each thread has its own database connection (Django's are per thread), closed at its end.
    """
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = tasks[index]()
        except Exception as error:  # reported to the test as a result
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def posts_service(settings: Any) -> Iterator[FakePostsService]:
    """The posts service's internal endpoints, as a real local server (POSTS_INTERNAL_URL)."""
    posts = FakePostsService()
    server = serve(posts)
    settings.POSTS_INTERNAL_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield posts
    server.shutdown()
    server.server_close()


@pytest.fixture
def posts_service_down(settings: Any) -> None:
    """No posts service: POSTS_INTERNAL_URL points at a port nothing listens on."""
    closed = serve(FakePostsService())
    port = closed.server_address[1]
    closed.shutdown()
    closed.server_close()
    settings.POSTS_INTERNAL_URL = f"http://127.0.0.1:{port}"
