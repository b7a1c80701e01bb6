"""One real stack (users, posts, router, production settings) for the client conformance suite.

The users service's rate limits are off: the suite signs up a few dozen accounts from one
address, and the limits have tests of their own (tests/e2e, tests/hardening).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.stack import RATE_LIMIT_VARIABLES, Stack, running_stack

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    rate_limits_off = dict.fromkeys(RATE_LIMIT_VARIABLES, "off")
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=rate_limits_off) as running:
        yield running


@pytest.fixture(autouse=True)
def _print_stack_logs_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def new_email(client: str) -> str:
    return f"{client}-{uuid.uuid4().hex[:12]}@example.com"
