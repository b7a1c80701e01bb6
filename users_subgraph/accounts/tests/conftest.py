"""Fixtures shared by the accounts tests: users, their real tokens, and the GraphQL endpoint."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from accounts.models import User
from accounts.services import TokenPair, token_pair_issue
from subgraph_kit.testing import execute_graphql

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
def graphql(client: Client) -> Callable[..., dict[str, Any]]:
    """POST an operation to /graphql through the real view; `access_token` sets Authorization."""

    def execute(
        query: str, variables: dict[str, Any] | None = None, *, access_token: str | None = None
    ) -> dict[str, Any]:
        return execute_graphql(client, query, variables, access_token=access_token)

    return execute


@pytest.fixture
def signing_key(settings: Any) -> str:
    return settings.SIMPLE_JWT["SIGNING_KEY"]


def run_concurrently(count: int, task: Callable[[], Any]) -> list[Any]:
    """Run `task` in `count` threads released at the same instant; return their results.

    Each thread has its own database connection (Django's are per thread), closed at its end.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = task()
        except Exception as error:  # reported to the test as a result
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
