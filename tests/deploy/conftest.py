"""The report hook, so fixtures here can print a service's log when their test failed."""

from tests.support.reporting import pytest_runtest_makereport

__all__ = ["pytest_runtest_makereport"]
