"""One real stack (users, posts, router, production settings) for the client conformance suite.

The users service's rate limits are off: the suite signs up a few dozen accounts from one
address, and the limits have tests of their own (tests/e2e, tests/hardening).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.support.client import PASSWORD
from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport
from tests.support.stack import RATE_LIMIT_VARIABLES, Stack, running_stack

__all__ = ["PASSWORD", "Stack", "print_stack_logs_on_failure", "pytest_runtest_makereport"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    rate_limits_off = dict.fromkeys(RATE_LIMIT_VARIABLES, "off")
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=rate_limits_off) as running:
        yield running


def new_email(client: str) -> str:
    return f"{client}-{uuid.uuid4().hex[:12]}@example.com"
