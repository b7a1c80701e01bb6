"""A stack of its own for the account-deletion tests, which kill and restart its processes.

Tasks left running by a killed worker are queued again after 3 s instead of 5 min, so a test
sees the recovery; posts may be created quickly (the tests fill accounts with many posts).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport
from tests.support.stack import Stack, running_stack

__all__ = ["print_stack_logs_on_failure", "pytest_runtest_makereport"]

TASK_ABANDONED_AFTER_SECONDS = 3


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    extra_env = {
        "TASK_ABANDONED_AFTER_SECONDS": str(TASK_ABANDONED_AFTER_SECONDS),
        "RATE_LIMIT_POST_CREATE_PER_USER": "off",
    }
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=extra_env) as running:
        yield running
