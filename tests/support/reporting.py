"""A failed test prints the logs of the processes it ran against.

A suite's conftest imports both names below: the hook keeps each phase's report on the test item,
and the fixture prints the `stack` fixture's logs after a test whose call failed.

    from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def call_failed(request: pytest.FixtureRequest) -> bool:
    """Whether the test that requested a fixture failed (valid once the fixture has yielded)."""
    report = getattr(request.node, "rep_call", None)
    return report is not None and report.failed


@pytest.fixture(autouse=True)
def print_stack_logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if call_failed(request) and "stack" in request.fixturenames:
        print(request.getfixturevalue("stack").logs())
