"""The e2e suite's report hook, so fixtures here can print a service's log when its test failed."""

from tests.e2e.conftest import pytest_runtest_makereport  # noqa: F401
