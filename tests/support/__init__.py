"""What every suite imports: the stack launcher (stack.py), the client helpers (client.py) and the
report of a failed test (reporting.py). Suites import from here, never from each other."""
