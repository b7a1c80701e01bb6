"""One real stack (users, posts, router) per test session, shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport
from tests.support.stack import Stack, running_stack

__all__ = ["print_stack_logs_on_failure", "pytest_runtest_makereport"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running
