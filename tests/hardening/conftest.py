"""Shared by the hardening tests: a real stack per test module, whose subgraphs accept only the
router (ROUTER_SHARED_SECRET is set), helpers to call a subgraph directly as the router does, and
the rules every answer to client input must follow.

A module changes its stack's environment by overriding the `stack_env` fixture.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from subgraph_kit.router_secret import ROUTER_SECRET_HEADER
from tests.support.reporting import print_stack_logs_on_failure, pytest_runtest_makereport
from tests.support.stack import RATE_LIMIT_VARIABLES, Stack, running_stack

__all__ = ["print_stack_logs_on_failure", "pytest_runtest_makereport"]

POSTGRES_URL_PREFIXES = ("postgres://", "postgresql://")
# The services' rate limits, off: for tests that send many sign-ups, logins or writes on purpose,
# and are not about the limits.
RATE_LIMITS_OFF = dict.fromkeys(RATE_LIMIT_VARIABLES, "off")
# What a response must never show: a Python traceback, or the database layer's names and SQL.
LEAK_MARKERS = ("Traceback", 'File "', "psycopg", "sqlite3", "SELECT ", "django.db")
# A subgraph masks an unexpected exception as this message (an unreachable database as
# SERVICE_UNAVAILABLE); the router reports it, and any failure of its own or of a subgraph call,
# with one of these codes.
MASKED_ERROR_MESSAGE = "Unexpected error."
SERVER_FAILURE_CODES = {"INTERNAL_SERVER_ERROR", "DOWNSTREAM_SERVICE_ERROR", "SERVICE_UNAVAILABLE"}

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(POSTGRES_URL_PREFIXES),
    reason="runs on PostgreSQL only: set DATABASE_URL=postgres://... (CI does)",
)


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """Environment given to every process of the module's stack."""
    return {"ROUTER_SHARED_SECRET": secrets.token_urlsafe(32)}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_env: dict[str, str]) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=stack_env) as running:
        yield running


def subgraph_headers(stack: Stack) -> dict[str, str]:
    """The header the router adds to every subgraph request (empty when the secret is unset)."""
    secret = stack.extra_env.get("ROUTER_SHARED_SECRET")
    return {ROUTER_SECRET_HEADER: secret} if secret else {}


def response_problems(status_code: int, body: bytes) -> list[str]:
    """Why a response is not an acceptable answer to client input; empty when it is.

    Acceptable: any status below 500, with no trace of the implementation in the body and no
    GraphQL error that stands for a server-side failure.
    """
    text = body.decode("utf-8", errors="replace")
    problems = [f"HTTP {status_code}"] if status_code >= 500 else []
    problems += [f"response contains {marker!r}" for marker in LEAK_MARKERS if marker in text]
    try:
        payload = json.loads(text)
    except ValueError:
        return problems
    errors = payload.get("errors") if isinstance(payload, dict) else None
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            problems.append(f"malformed error: {error!r:.300}")
            continue
        code = (error.get("extensions") or {}).get("code")
        if error.get("message") == MASKED_ERROR_MESSAGE or code in SERVER_FAILURE_CODES:
            problems.append(f"unexpected error: {json.dumps(error)[:300]}")
    return problems


# Reports a module leaves for the end of the run, as output capturing hides what fixtures print.
RUN_SUMMARIES = pytest.StashKey[list[str]]()


def add_run_summary(config: pytest.Config, text: str) -> None:
    """Print `text` in the terminal summary, after every test has run."""
    config.stash.setdefault(RUN_SUMMARIES, []).append(text)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for text in config.stash.get(RUN_SUMMARIES, []):
        terminalreporter.write_line("")
        terminalreporter.write_line(text)
