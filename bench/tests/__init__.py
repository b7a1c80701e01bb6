"""Unit tests of the benchmark harness's pure parts: `.venv/bin/pytest -q bench/tests`."""
