"""The benchmark run: start, seed, check, load, measure, report (`python -m bench --help`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import report, rounds, router_metrics
from bench.dataset import PASSWORD, Batch, Seeder, user_email, user_id
from bench.load import LoadResult, run_wrk
from bench.processes import cpu_seconds, gateway_pid, paused, service_memory
from bench.profiles import profile_node, start_py_spy, summarize_cpuprofile, summarize_py_spy
from bench.scenarios import (
    MY_POSTS,
    MY_POSTS_PAGE,
    STAFF_POSTS,
    Caller,
    Roles,
    Scenario,
    graphql_request,
    round_order,
)
from bench.scenarios import scenarios as all_scenarios
from bench.stack import BenchStack
from subgraph_kit.testing import mint_token
from tests.support.stack import RATE_LIMIT_VARIABLES

BENCH_DIR = Path(__file__).resolve().parent
# Run again once the tables have grown (`--scale`): scenario 2, its posts part and its baseline,
# and the staff listing, whose page is read from the whole table.
SCALED_SCENARIOS = ("my-posts-router", "my-posts-posts", "monolith", "staff-posts-router")
# Profiled with `--profile`: which services, under which scenario.
PROFILED = {"my-posts-router": ("router", "users", "posts"), "monolith": ("monolith",)}
# Requests averaged per SQL count.
SQL_COUNT_REQUESTS = 10
TOKEN_LIFETIME = dt.timedelta(hours=6)
# The users service's rate limits on its public mutations, raised far above the benchmark's
# request rates (every login comes from 127.0.0.1): still counted, as in production, never hit.
RATE_LIMIT = "1000000/min"
SERVICE_ENV = dict.fromkeys(RATE_LIMIT_VARIABLES, RATE_LIMIT)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the federated stack against the Django monolith it replaces.",
    )
    parser.add_argument("--users", type=int, default=1000, help="seeded users (default 1000)")
    parser.add_argument("--posts", type=int, default=20000, help="seeded posts (default 20000)")
    parser.add_argument(
        "--duration", type=float, help="seconds of each scenario in a round (default 10)"
    )
    parser.add_argument(
        "--rounds", type=int, help="measured rounds, each running every scenario once (default 3)"
    )
    parser.add_argument("--warmup", type=float, help="warm-up seconds of each scenario (default 3)")
    parser.add_argument(
        "--workers", type=int, default=2, help="uvicorn workers per Python service (default 2)"
    )
    parser.add_argument(
        "--concurrency", default="1,16", help="connection counts, comma-separated (default 1,16)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=10,
        help="grow the data set this many times and run scenario 2 again (default 10; 1: skip)",
    )
    parser.add_argument(
        "--only", help="run these scenario keys only, comma-separated (see bench/scenarios.py)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the services under scenario 2 and the baseline (py-spy, V8)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="check the harness in a few minutes: 2 s rounds, 2 rounds, 1 s warm-up; "
        "results under bench/results/raw/quick/",
    )
    parser.add_argument("--output", type=Path, help="results directory (default bench/results)")
    parser.add_argument("--note", default="", help="a line to print with the results")
    options = parser.parse_args(argv)
    quick = options.quick
    options.duration = options.duration or (2.0 if quick else 10.0)
    options.rounds = options.rounds or (2 if quick else 3)
    options.warmup = options.warmup if options.warmup is not None else (1.0 if quick else 3.0)
    options.output = options.output or BENCH_DIR / "results" / ("raw/quick" if quick else "")
    options.concurrency = sorted({int(level) for level in options.concurrency.split(",")})
    roles = Roles(connections=max(options.concurrency))
    if options.users < max(100, roles.users_needed) or options.posts < 100:
        parser.error(
            f"--users must be at least {max(100, roles.users_needed)} and --posts at least 100 "
            "(scenario 3 lists 100 posts by 100 distinct authors)"
        )
    return options


class Benchmark:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.started = dt.datetime.now(tz=dt.UTC)
        self.raw_dir = BENCH_DIR / "results" / "raw" / self.started.strftime("%Y-%m-%dT%H%M%SZ")
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        self.roles = Roles(connections=max(options.concurrency))
        self.batch = Batch(
            first_user=0, end_user=options.users, first_post=0, end_post=options.posts
        )
        self.bench = BenchStack(self.raw_dir, workers=options.workers, extra_env=SERVICE_ENV)
        self.callers: dict[int, Caller] = {}
        self.problems: list[str] = []
        self.postgres_version = ""

    # ------------------------------------------------------------------ the run

    def run(self) -> int:
        load_before = os.getloadavg()
        print(f"logs and raw results: {self.raw_dir}")
        try:
            self.bench.start()
            results = self._measure()
        finally:
            self.bench.stop()
        results["machine"] = {
            **report.machine_info(load_before=load_before, load_after=os.getloadavg()),
            "postgresql": self.postgres_version,
        }
        paths = report.write(results, self.options.output, self.started)
        print(report.summary(results))
        print("results: " + ", ".join(str(path) for path in paths))
        for problem in self.problems:
            print(f"PROBLEM: {problem}", file=sys.stderr)
        return 1 if self.problems else 0

    def _measure(self) -> dict[str, Any]:
        started = time.monotonic()
        seeder = Seeder(
            self.bench.database_urls(),
            password_hash=self.bench.password_hash(PASSWORD),
            staff_users=self.roles.users("staff"),
        )
        seeder.load(self.batch)
        self.postgres_version = self.bench.postgres.version()
        print(
            f"stack started, {self.options.users} users and {self.options.posts} posts seeded "
            f"({time.monotonic() - started:.1f}s)"
        )
        self._mint_tokens()
        scenarios = all_scenarios(router_secret=self.bench.router_secret, batch=self.batch)
        if self.options.only:
            keys = set(self.options.only.split(","))
            scenarios = [scenario for scenario in scenarios if scenario.key in keys]
        for scenario in scenarios:
            self._check_answers(scenario)
        self._check_same_data_as_baseline()
        results: dict[str, Any] = {
            "settings": self._settings(),
            "sql_statements_per_request": self._sql_statements_per_request(),
            "scenarios": self._load(scenarios),
        }
        if self.options.scale > 1:
            results["scaled"] = self._scaled(seeder, scenarios)
        results["memory"] = [
            asdict(memory)
            for name, pid in self._service_pids().items()
            if name != "postgres"
            for memory in service_memory(name, pid)
        ]
        if self.options.profile:  # last: profilers change what they watch (memory too)
            results["profiles"] = self._profiles(scenarios)
        return results

    def _settings(self) -> dict[str, Any]:
        options = self.options
        return {
            "users": options.users,
            "posts": options.posts,
            "duration_s": options.duration,
            "rounds": options.rounds,
            "warmup_s": options.warmup,
            "workers": options.workers,
            "concurrency": options.concurrency,
            "scale": options.scale,
            "quick": options.quick,
            "only": options.only,
            "note": options.note,
            "service_env": SERVICE_ENV,
        }

    def _service_pids(self) -> dict[str, int]:
        pids = {
            name: service.process.pid
            for name, service in self.bench.processes().items()
            if service.process is not None
        }
        return {**pids, "postgres": self.bench.postgres.pid()}

    # ------------------------------------------------------------------ callers and checks

    def _mint_tokens(self) -> None:
        """An access token per seeded user taking part, shaped and signed as the users service
        signs them (same key, `kid`, issuer, audience, claims)."""
        key_id = self.bench.signing_key_id()
        staff = self.roles.users("staff")
        for index in range(self.roles.users_needed):
            token = mint_token(
                signing_key=self.bench.stack.private_key,
                user_id=user_id(index),
                email=user_email(index),
                is_staff=index in staff,
                expires_in=TOKEN_LIFETIME,
                headers={"kid": key_id},
            )
            self.callers[index] = Caller(
                index=index, id=user_id(index), email=user_email(index), access_token=token
            )

    def _callers(self, scenario: Scenario, connections: int) -> list[Caller]:
        return [self.callers[index] for index in self.roles.users(scenario.role)[:connections]]

    def _send(self, scenario: Scenario, caller: Caller) -> Any:
        request = scenario.request(caller)
        response = httpx.request(
            request.method,
            self.bench.base_url(scenario.target) + request.path,
            headers=request.headers,
            content=request.body or None,
            timeout=30,
        )
        if response.status_code != 200:
            raise RuntimeError(f"{scenario.key}: HTTP {response.status_code}: {response.text}")
        return response.json()

    def _check_answers(self, scenario: Scenario) -> None:
        """Each connection's request, sent once: its answer must be the data claimed."""
        for caller in self._callers(scenario, self.roles.connections):
            problem = scenario.check(caller, self._send(scenario, caller))
            if problem:
                raise RuntimeError(f"{scenario.key} as {caller.email}: {problem}")

    def _check_same_data_as_baseline(self) -> None:
        """The monolith's view returns the same posts, in the same order, as scenario 2."""
        caller = self.callers[self.roles.users("readers")[0]]
        federated = self.bench.stack.graphql(
            MY_POSTS, {"first": MY_POSTS_PAGE}, access_token=caller.access_token
        ).json()["data"]["myPosts"]["edges"]
        monolith = httpx.get(
            f"{self.bench.base_url('monolith')}/my-posts?first={MY_POSTS_PAGE}",
            headers={"Authorization": f"Bearer {caller.access_token}"},
            timeout=30,
        ).json()["posts"]
        if [edge["node"] for edge in federated] != monolith:
            raise RuntimeError("the monolith and the router return different data")

    # ------------------------------------------------------------------ load

    def _load(self, scenarios: list[Scenario]) -> list[dict[str, Any]]:
        """Every scenario at each concurrency level: a warm-up of each, then the rounds, each
        running every scenario once (`round_order`), so that a busy spell of the machine falls on
        all of them, not on one scenario's rounds. Floors run at the highest level only."""
        levels = self.options.concurrency
        measured: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for connections in levels:
            at_level = [s for s in scenarios if not s.floor or connections == max(levels)]
            if self.options.warmup > 0:
                for scenario in at_level:
                    self._wrk(scenario, connections, max(self.options.warmup, scenario.min_round_s))
            for round_index in range(self.options.rounds):
                for scenario in round_order(at_level, round_index):
                    record = self._round(scenario, connections)
                    measured.setdefault((scenario.key, connections), []).append(record)
                print(f"c={connections}: round {round_index + 1}/{self.options.rounds} done")
            for scenario in at_level:
                self._report_level(scenario, connections, measured[(scenario.key, connections)])
        return [
            {
                "key": scenario.key,
                "label": scenario.label,
                "title": scenario.title,
                "target": scenario.target,
                "operation": scenario.operation,
                "breakdown": scenario.breakdown,
                "floor": scenario.floor,
                "writes": scenario.writes,
                "concurrency": {
                    str(connections): {**rounds.summarize(records), "rounds": records}
                    for (key, connections), records in measured.items()
                    if key == scenario.key
                },
            }
            for scenario in scenarios
        ]

    def _report_level(
        self, scenario: Scenario, connections: int, records: list[dict[str, Any]]
    ) -> None:
        """Print a scenario's line at one level (median round, throughput spread) and record
        its failed requests and empty rounds as problems of the run."""
        numbers = rounds.summarize(records)
        throughput = rounds.Spread.from_dict(numbers["spread"]["requests_per_second"])
        errors = f"  ERRORS {numbers['errors']}" if numbers["errors"] else ""
        wide = "  WIDE SPREAD" if throughput.is_wide() and not scenario.writes else ""
        print(
            f"{scenario.label:36} c={connections:<3} {throughput.median:8.1f} req/s "
            f"[{throughput.low:.1f}-{throughput.high:.1f}]  p50 {numbers['p50_ms']:7.2f} ms  "
            f"p99 {numbers['p99_ms']:7.2f} ms{errors}{wide}"
        )
        if numbers["errors"]:
            self.problems.append(
                f"{scenario.key} c={connections}: {numbers['errors']} failed requests"
            )
        if any(record["requests"] == 0 for record in records):
            self.problems.append(
                f"{scenario.key} c={connections}: a round completed no request (too short?)"
            )

    def _wrk(self, scenario: Scenario, connections: int, duration_s: float) -> LoadResult:
        callers = self._callers(scenario, connections)
        return run_wrk(
            base_url=self.bench.base_url(scenario.target),
            requests=[scenario.request(caller) for caller in callers],
            duration_s=duration_s,
            connections_file=self.raw_dir / f"{scenario.key}-c{connections}.lua",
        )

    def _cpu_seconds(self) -> dict[str, float]:
        """CPU time so far of each service (all its processes) and of wrk (finished children)."""
        used = {name: cpu_seconds(pid) for name, pid in self._service_pids().items()}
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {**used, "wrk": children.ru_utime + children.ru_stime}

    def _round(self, scenario: Scenario, connections: int) -> dict[str, Any]:
        """One measured round of one scenario: wrk's numbers, the CPU time each process group
        spent per request during it (from /proc), and the router's own metrics."""
        router_url = self.bench.base_url("router")
        metrics_before = router_metrics.read(router_url) if scenario.target == "router" else None
        cpu_before = self._cpu_seconds()
        result = self._wrk(scenario, connections, max(self.options.duration, scenario.min_round_s))
        cpu_after = self._cpu_seconds()
        metrics_after = router_metrics.read(router_url) if scenario.target == "router" else None
        return {
            **asdict(result),
            "requests_per_second": result.requests_per_second,
            "errors": result.errors,
            "cpu_ms_per_request": {
                name: 1000 * (cpu_after[name] - cpu_before[name]) / result.requests
                if result.requests
                else None
                for name in cpu_after
            },
            "router_breakdown": router_metrics.per_request(metrics_before, metrics_after),
        }

    # ------------------------------------------------------------------ SQL statements

    def _sql_statements_per_request(self) -> list[dict[str, Any]]:
        """SQL statements each request runs, per database, counted by pg_stat_statements over
        real requests: constant whatever the page size (no N+1)."""
        reader = self.callers[self.roles.users("readers")[0]]
        staff = self.callers[self.roles.users("staff")[0]]
        router_url = f"{self.bench.base_url('router')}/graphql"
        monolith_url = f"{self.bench.base_url('monolith')}/my-posts"

        def graphql(query: str, first: int, caller: Caller) -> None:
            request = graphql_request(query, {"first": first}, access_token=caller.access_token)
            response = httpx.post(router_url, headers=request.headers, content=request.body)
            if response.status_code != 200 or "errors" in response.json():
                raise RuntimeError(f"SQL count request failed: {response.text}")

        def monolith(first: int) -> None:
            response = httpx.get(
                monolith_url,
                params={"first": first},
                headers={"Authorization": f"Bearer {reader.access_token}"},
            )
            if response.status_code != 200:
                raise RuntimeError(f"SQL count request failed: {response.text}")

        cases: list[tuple[str, int, Callable[[], None]]] = [
            *(("2 myPosts (router)", n, partial(graphql, MY_POSTS, n, reader)) for n in (5, 20)),
            *(
                ("3 staff posts (router)", n, partial(graphql, STAFF_POSTS, n, staff))
                for n in (20, 100)
            ),
            *(("6 baseline (monolith)", n, partial(monolith, n)) for n in (5, 20)),
        ]
        database_services = self.bench.database_services()
        counted = []
        for label, first, send in cases:
            send()  # once unmeasured: the connections are in the pools
            with self._task_workers_paused():
                self.bench.postgres.reset_statement_counts()
                for _ in range(SQL_COUNT_REQUESTS):
                    send()
                statements = {
                    database_services.get(database, database): calls
                    for database, calls in self.bench.postgres.statement_counts().items()
                }
            counted.append(
                {
                    "request": label,
                    "page_size": first,
                    "per_service": {
                        service: sum(calls.values()) / SQL_COUNT_REQUESTS
                        for service, calls in statements.items()
                    },
                    "statements": {
                        service: [
                            {"query": query, "per_request": number / SQL_COUNT_REQUESTS}
                            for query, number in calls.most_common()
                        ]
                        for service, calls in statements.items()
                    },
                }
            )
        return counted

    def _task_workers_paused(self) -> AbstractContextManager[None]:
        """The task workers stopped while the block runs.

        A worker polls its queue every second (a transaction and a query in its service's
        database) whatever the requests do: counted with them, those statements made the counts
        vary with how long the requests took.
        """
        workers = self.bench.task_workers()
        return paused([worker.process.pid for worker in workers if worker.process is not None])

    # ------------------------------------------------------------------ profiles

    def _profiles(self, scenarios: list[Scenario]) -> dict[str, str]:
        """Profiles of the services a scenario reaches, under load at the highest concurrency,
        in a run of their own (profilers slow what they watch; no measured round has one)."""
        duration = max(self.options.duration, 5.0)
        pids = self._service_pids()
        profiles: dict[str, str] = {}
        for scenario in scenarios:
            services = PROFILED.get(scenario.key, ())
            if not services:
                continue
            label = f"under {scenario.label}, c={self.roles.connections}"
            py_spies = {
                service: start_py_spy(
                    pids[service], duration, self.raw_dir / f"py-spy-{scenario.key}-{service}.txt"
                )
                for service in services
                if service != "router"
            }
            time.sleep(1.0)  # py-spy attached before the load starts

            def load(scenario: Scenario = scenario) -> None:
                self._wrk(scenario, self.roles.connections, duration)

            if "router" in services:
                try:
                    profile = profile_node(gateway_pid(pids["router"]), load)
                except (RuntimeError, OSError) as error:
                    self.problems.append(f"profiling the router failed: {error}")
                else:
                    raw = self.raw_dir / f"router-{scenario.key}.cpuprofile"
                    raw.write_text(json.dumps(profile))
                    summary = summarize_cpuprofile(profile)
                    profiles[f"{scenario.key}/router"] = summary.markdown(
                        f"router (node), {label}",
                        f"{summary.samples / 1000:.0f} ms of V8 samples, each weighted by the time "
                        "it stands for: all of node's time, idle included.",
                    )
            else:
                load()
            for service, py_spy in py_spies.items():
                _, stderr = py_spy.communicate(timeout=120)
                raw = self.raw_dir / f"py-spy-{scenario.key}-{service}.txt"
                if py_spy.returncode != 0 or not raw.exists():
                    self.problems.append(f"py-spy on {service} failed: {stderr.decode()[-500:]}")
                    continue
                summary = summarize_py_spy(raw)
                profiles[f"{scenario.key}/{service}"] = summary.markdown(
                    f"{service} (every worker), {label}",
                    f"{summary.samples} py-spy samples (200 Hz) of threads holding the GIL: "
                    "the Python work of the workers, not their waits.",
                )
            print(f"profiled {', '.join(services)} {label}")
        return profiles

    # ------------------------------------------------------------------ growth

    def _scaled(self, seeder: Seeder, scenarios: list[Scenario]) -> dict[str, Any]:
        """Some scenarios again with `scale` times the rows (SCALED_SCENARIOS)."""
        scale = self.options.scale
        users, posts = self.options.users * scale, self.options.posts * scale
        started = time.monotonic()
        seeder.load(
            Batch(
                first_user=self.options.users,
                end_user=users,
                first_post=self.options.posts,
                end_post=posts,
            )
        )
        print(
            f"grew the data set to {users} users, {posts} posts ({time.monotonic() - started:.1f}s)"
        )
        return {
            "scale": scale,
            "users": users,
            "posts": posts,
            "scenarios": self._load(
                [scenario for scenario in scenarios if scenario.key in SCALED_SCENARIOS]
            ),
        }


def main(argv: list[str] | None = None) -> int:
    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C: every process started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    return Benchmark(parse_args(argv)).run()
