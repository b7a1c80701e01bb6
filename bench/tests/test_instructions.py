"""Instructions per request: reading cachegrind's count."""

from __future__ import annotations

import pytest

from bench.instructions import instructions_from_cachegrind

CACHEGRIND_SUMMARY = """\
==4242== Cachegrind, a high-precision tracing profiler
==4242== Command: python -m bench.in_process posts
{"level": "INFO", "message": "POST /graphql 200 1.2ms db_queries=1"}
==4242==
==4242== I refs:        6,242,121,003
"""


def test_the_count_is_cachegrinds_instruction_total():
    assert instructions_from_cachegrind(CACHEGRIND_SUMMARY) == 6_242_121_003


def test_output_without_a_count_is_an_error_that_shows_it():
    with pytest.raises(RuntimeError, match="Traceback"):
        instructions_from_cachegrind("Traceback (most recent call last): ...")
