"""Each module here starts its own stack (a `stack` fixture); a failed test prints its logs."""

from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport

__all__ = ["print_stack_logs_on_failure", "pytest_runtest_makereport"]
