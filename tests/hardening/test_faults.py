"""Faults under load, through the router, on a PostgreSQL server of the test's own.

- The users subgraph is killed while clients page through their posts: the router keeps
  answering (posts with `author: null` and an error, never a 5xx) and full answers come back
  within seconds of the restart, without restarting the router.
- PostgreSQL stops and restarts while clients create posts: requests fail fast with a clear
  error, /readyz says 503 meanwhile, service resumes with no process restarted, and every post
  whose creation was answered with success is there afterwards.
- PostgreSQL restarts between two requests: the next requests succeed, as the pool checks its
  connections (dead since the restart) before handing them out.

The server runs with PostgreSQL's durable defaults (fsync and synchronous_commit on), unlike the
other tests' servers, and is stopped with a fast shutdown, as an orchestrator stops it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import LEAK_MARKERS, RATE_LIMITS_OFF, requires_postgres
from tests.support.client import OPERATIONS_DOCUMENT, call, signup
from tests.support.stack import REPO_ROOT, ServiceProcess, Stack, free_port, running_stack

POSTGRES_SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"
pytestmark = [
    requires_postgres,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")),
        reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed",
    ),
]
# The longest any request may take, outage or not: the pool waits 5 s for a connection.
ANSWER_WITHIN_SECONDS = 10
RECOVERY_WITHIN_SECONDS = 15
SUBGRAPHS = ("users", "posts")


class PostgresServer:
    """A PostgreSQL server in a fresh data directory that a test can stop and start again."""

    def __init__(self) -> None:
        # Under /tmp, not pytest's private folder: the server runs as the `postgres` system user.
        self.data_dir = tempfile.mkdtemp(prefix="faults-postgres.", dir="/tmp")
        self.port = free_port()
        self.url = ""

    def start(self) -> None:
        self.url = subprocess.run(
            [str(POSTGRES_SCRIPT), "start", self.data_dir, str(self.port)],
            check=True,
            capture_output=True,
            text=True,
            # Durable defaults instead of the script's test-speed settings (fsync off).
            env={**os.environ, "POSTGRES_SERVER_OPTIONS": ""},
        ).stdout.strip()

    def stop(self) -> None:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", self.data_dir], check=True)

    def remove(self) -> None:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", self.data_dir], check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class Sample:
    started: float
    duration: float
    status: int | None
    answer: dict[str, Any] | None = None
    failure: str | None = None

    @property
    def errors(self) -> list[dict[str, Any]]:
        return (self.answer or {}).get("errors") or []


@dataclass
class Load:
    """`clients` threads sending `send(client, http)` back to back until the block ends."""

    clients: int
    send: Callable[[int, httpx.Client], httpx.Response]
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Load:
        self._threads = [
            threading.Thread(target=self._run, args=(client,), daemon=True)
            for client in range(self.clients)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=3 * ANSWER_WITHIN_SECONDS)

    def _run(self, client: int) -> None:
        with httpx.Client(timeout=3 * ANSWER_WITHIN_SECONDS) as http:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    response = self.send(client, http)
                    sample = Sample(started, time.monotonic() - started, response.status_code)
                    for marker in LEAK_MARKERS:
                        if marker in response.text:
                            sample.failure = f"response contains {marker!r}"
                    sample.answer = response.json()
                except (httpx.HTTPError, ValueError) as error:
                    sample = Sample(started, time.monotonic() - started, None, failure=repr(error))
                with self._lock:
                    self.samples.append(sample)

    def wait_for(self, condition: Callable[[Sample], bool], *, after: float, timeout: float):
        """The first sample started after `after` that meets `condition`, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [s for s in self.samples if s.started >= after and condition(s)]
            if found:
                return found[0]
            time.sleep(0.1)
        return None


def graphql(http: httpx.Client, stack: Stack, name: str, variables: dict, token: str):
    return http.post(
        f"{stack.router_url}/graphql",
        json={"query": OPERATIONS_DOCUMENT, "variables": variables, "operationName": name},
        headers={"Authorization": f"Bearer {token}"},
    )


def kill(service: ServiceProcess) -> None:
    """SIGKILL, as a crash or the OOM killer would: no graceful shutdown."""
    assert service.process is not None
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait(timeout=10)


def readiness_status(stack: Stack, name: str) -> int:
    return httpx.get(f"{stack.subgraph_url(name)}/readyz", timeout=30).status_code


def wait_until_ready(url: str, timeout: float) -> float:
    """Poll a readiness URL until it answers 200; return when it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=ANSWER_WITHIN_SECONDS).status_code == 200:
                return time.monotonic()
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready within {timeout}s")


def process_ids(stack: Stack) -> dict[str, int]:
    return {
        name: service.process.pid for name, service in stack.services.items() if service.process
    }


@pytest.fixture(scope="module")
def stack_env(stack_env: dict[str, str]) -> dict[str, str]:
    # Writers create posts as fast as they can through outages: the per-user write limits would
    # refuse them long before the faults are over, and this module is not about limits.
    return {**stack_env, **RATE_LIMITS_OFF}


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    stack_env: dict[str, str],
    postgres_server: PostgresServer,
) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("stack"),
        extra_env=stack_env,
        database_server_url=postgres_server.url,
    ) as running:
        yield running


def test_users_subgraph_killed_under_load_router_degrades_then_recovers(stack: Stack) -> None:
    owner = signup(stack)
    titles = {f"Outage {index}" for index in range(3)}
    for title in titles:
        call(stack, "CreatePost", {"input": {"title": title}}, access_token=owner["access"])
    # Warm the posts subgraph's and the router's JWKS caches while users is still up.
    assert "errors" not in call(stack, "MyPosts", access_token=owner["access"])
    users, router_pid = stack.services["users"], stack.services["router"].process.pid

    def full(sample: Sample) -> bool:
        return sample.status == 200 and not sample.errors

    with Load(4, lambda _, http: graphql(http, stack, "MyPosts", {}, owner["access"])) as load:
        time.sleep(1.5)
        kill(users)
        killed_at = time.monotonic()
        degraded = load.wait_for(lambda s: bool(s.errors), after=killed_at + 0.5, timeout=10)
        time.sleep(2)
        users.start()
        users.wait_until_healthy()
        restarted_at = time.monotonic()
        recovered = load.wait_for(full, after=restarted_at, timeout=RECOVERY_WITHIN_SECONDS)
        time.sleep(1)

    assert stack.services["router"].process.pid == router_pid
    assert stack.services["router"].process.poll() is None
    assert degraded is not None, "no degraded answer while users was down"
    assert recovered is not None, f"no full answer {RECOVERY_WITHIN_SECONDS}s after the restart"
    for sample in load.samples:
        assert sample.failure is None, sample
        assert sample.status == 200, sample
        assert sample.duration < ANSWER_WITHIN_SECONDS, sample
        edges = sample.answer["data"]["myPosts"]["edges"]
        assert {edge["node"]["title"] for edge in edges} == titles, sample
        if sample.errors:
            assert all(edge["node"]["author"] is None for edge in edges), sample
        else:
            assert all(edge["node"]["author"]["id"] == owner["user"]["id"] for edge in edges)
    after_recovery = [s for s in load.samples if s.started > recovered.started + recovered.duration]
    assert after_recovery
    assert all(full(s) for s in after_recovery), after_recovery


def test_postgres_restart_under_load_fails_fast_then_recovers_without_losing_writes(
    stack: Stack, postgres_server: PostgresServer
) -> None:
    writers = [signup(stack) for _ in range(3)]
    # One request each first: the subgraphs fetch the token signing keys on first use, and a
    # cold start is not what this test is about.
    for writer in writers:
        assert "errors" not in call(stack, "MyPosts", access_token=writer["access"])
    processes = process_ids(stack)
    run = uuid.uuid4().hex[:8]
    sequence = iter(range(1_000_000))

    def create_post(client: int, http: httpx.Client) -> httpx.Response:
        title = f"{run}-{client}-{next(sequence)}"
        variables = {"input": {"title": title}}
        return graphql(http, stack, "CreatePost", variables, writers[client]["access"])

    def created(sample: Sample) -> bool:
        return sample.status == 200 and not sample.errors

    with Load(3, create_post) as load:
        time.sleep(1.5)
        postgres_server.stop()
        stopped_at = time.monotonic()
        # Requests in flight during the stop use up their own wait first (up to the pool
        # timeout), so the first request started after it may end up to two answer times later;
        # each answer's own duration is checked below.
        failed = load.wait_for(
            lambda s: bool(s.errors), after=stopped_at, timeout=2 * ANSWER_WITHIN_SECONDS
        )
        # Both at once: each waits up to the pool's timeout for a connection.
        with ThreadPoolExecutor(max_workers=len(SUBGRAPHS)) as pool:
            statuses = pool.map(lambda name: readiness_status(stack, name), SUBGRAPHS)
            readiness_while_down = dict(zip(SUBGRAPHS, statuses, strict=True))
        postgres_server.start()
        restarted_at = time.monotonic()
        for name in SUBGRAPHS:
            wait_until_ready(f"{stack.subgraph_url(name)}/readyz", RECOVERY_WITHIN_SECONDS)
        resumed = load.wait_for(created, after=restarted_at, timeout=RECOVERY_WITHIN_SECONDS)
        time.sleep(1)

    assert process_ids(stack) == processes
    assert all(service.process.poll() is None for service in stack.services.values())
    assert readiness_while_down == {"users": 503, "posts": 503}
    assert failed is not None, "no request failed while PostgreSQL was down"
    assert resumed is not None, f"no post created {RECOVERY_WITHIN_SECONDS}s after the restart"
    for sample in load.samples:
        assert sample.failure is None, sample
        assert sample.status == 200, sample
        assert sample.duration < ANSWER_WITHIN_SECONDS, sample
        for error in sample.errors:
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", sample
    after_recovery = [s for s in load.samples if s.started > resumed.started + resumed.duration]
    assert after_recovery
    assert all(created(s) for s in after_recovery), after_recovery

    acknowledged = {
        s.answer["data"]["createPost"]["id"]: s.answer["data"]["createPost"]["title"]
        for s in load.samples
        if created(s)
    }
    stored: dict[str, str] = {}
    for writer in writers:
        after = None
        while True:
            page = call(
                stack, "MyPosts", {"first": 100, "after": after}, access_token=writer["access"]
            )
            connection = page["data"]["myPosts"]
            stored.update(
                {edge["node"]["id"]: edge["node"]["title"] for edge in connection["edges"]}
            )
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
    assert acknowledged.items() <= stored.items()


def test_first_requests_after_a_quick_postgres_restart_succeed(
    stack: Stack, postgres_server: PostgresServer
) -> None:
    """Connections pooled before a restart are dead after it, though nothing has noticed yet: the
    pool must check a connection before handing it out, or the next requests fail."""
    owner = signup(stack)
    call(
        stack,
        "CreatePost",
        {"input": {"title": "Before the restart"}},
        access_token=owner["access"],
    )
    # Fill both services' pools with connections: several requests at once, each with its own.
    with ThreadPoolExecutor(max_workers=4) as pool:
        warm = list(
            pool.map(lambda _: call(stack, "MyPosts", access_token=owner["access"]), range(8))
        )
    assert all("errors" not in answer for answer in warm), warm

    postgres_server.stop()
    postgres_server.start()

    for _ in range(4):
        answer = call(stack, "MyPosts", access_token=owner["access"])
        assert "errors" not in answer, answer
        assert answer["data"]["myPosts"]["edges"][0]["node"]["author"]["id"] == owner["user"]["id"]
