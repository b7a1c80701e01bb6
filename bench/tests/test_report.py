"""The report's reading of the rounds: paired ratios, CPU sums, wide spreads, the provisional
mark, and the floors table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.rounds import summarize

FEDERATED_CPU = {"router": 4.0, "users": 3.0, "posts": 5.0, "postgres": 1.0, "monolith": 0.01}


def rounds_of(throughputs: list[float], cpu: dict[str, float]) -> list[dict[str, Any]]:
    return [
        {
            "requests": int(rps * 10),
            "requests_per_second": rps,
            "p50_ms": 1000 / rps,
            "p99_ms": 2000 / rps,
            "errors": 0,
            "cpu_ms_per_request": {**cpu, "wrk": 0.5},
            "router_breakdown": {},
        }
        for rps in throughputs
    ]


def scenario(
    key: str, throughputs: list[float], cpu: dict[str, float], **kind: Any
) -> dict[str, Any]:
    records = rounds_of(throughputs, cpu)
    return {
        "key": key,
        "label": key,
        "title": key,
        "target": kind.pop("target", "router"),
        "operation": "",
        "breakdown": kind.pop("breakdown", False),
        "floor": kind.pop("floor", False),
        "writes": kind.pop("writes", False),
        "concurrency": {"16": {**summarize(records), "rounds": records}},
    }


def results_with(*scenarios: dict[str, Any], quiet: bool = True, rounds: int = 3) -> dict:
    return {
        "date": "2026-12-02 13:00 UTC",
        "settings": {
            "users": 1000,
            "posts": 20000,
            "duration_s": 10,
            "rounds": rounds,
            "warmup_s": 3,
            "workers": 2,
            "concurrency": [16],
            "scale": 1,
            "quick": False,
            "only": None,
            "note": "",
        },
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "memory_gib": 4,
            "os": "os",
            "python": "3.11",
            "node": "v24",
            "postgresql": "15",
            "wrk": "wrk",
            "commit": "abc",
            "quiet": quiet,
            "load_average_before": [0.1 if quiet else 3.0],
        },
        "scenarios": list(scenarios),
        "sql_statements_per_request": [],
        "memory": [],
    }


def steady_results(**kind: Any) -> dict[str, Any]:
    return results_with(
        scenario("my-posts-router", [100.0, 95.0, 110.0], FEDERATED_CPU),
        scenario("monolith", [400.0, 360.0, 420.0], {"monolith": 4.0, "postgres": 1.0}),
        **kind,
    )


def test_the_throughput_ratio_pairs_the_scenarios_round_by_round() -> None:
    ratio = report.throughput_ratio(steady_results(), "my-posts-router", "monolith", 16)
    assert ratio is not None
    # Rounds: 100/400, 95/360, 110/420: not the ratio of the medians (100/400).
    assert ratio.median == pytest.approx(110 / 420)
    assert ratio.low == pytest.approx(0.25)
    assert ratio.high == pytest.approx(95 / 360)
    target = report.targets(steady_results())[0]
    assert target.value == pytest.approx(110 / 420)


def test_scenario_2s_server_cpu_is_router_users_posts_and_postgresql() -> None:
    numbers = report.headline(steady_results())
    assert numbers["scenario_2_server_cpu_ms_per_request"]["median"] == pytest.approx(13.0)
    assert numbers["baseline_server_cpu_ms_per_request"]["median"] == pytest.approx(5.0)
    text = report.markdown(steady_results())
    assert "router + users + posts + postgres) 13.00 [13.00-13.00]" in text


def test_a_steady_run_on_a_quiet_machine_is_not_provisional() -> None:
    results = steady_results()
    assert report.wide_spreads(results) == []
    assert report.provisional_reasons(results) == []
    assert "Provisional" not in report.markdown(results)


def test_a_wide_throughput_spread_on_a_read_marks_the_run() -> None:
    results = steady_results()
    results["scenarios"].append(
        scenario(
            "floor-django-view",
            [1000.0, 600.0, 900.0],
            {"floor-django": 1.0},
            target="floor-django",
            floor=True,
        )
    )
    assert report.wide_spreads(results) == [
        {
            "scenario": "floor-django-view",
            "concurrency": 16,
            "relative_spread": pytest.approx(4 / 9),
        }
    ]
    (reason,) = report.provisional_reasons(results)
    assert reason.startswith("wide spread")
    assert "floor-django-view c=16 (44.4%)" in reason
    text = report.markdown(results)
    assert "**Provisional**: wide spread" in text
    assert "| floor-django-view | floor-django | 900 [600-1000] **wide spread** |" in text


def test_a_wide_spread_on_a_write_does_not_mark_the_run() -> None:
    results = steady_results()
    results["scenarios"].append(
        scenario("login-router", [10.0, 5.0, 9.0], {"users": 90.0}, writes=True)
    )
    assert report.provisional_reasons(results) == []
    assert "wide spread" not in report.markdown(results)


def test_a_busy_machine_and_a_single_round_are_provisional_too() -> None:
    results = steady_results(quiet=False, rounds=1)
    assert report.provisional_reasons(results) == [
        "busy machine (load average 3.0 at start)",
        "one round: no spread measured",
    ]


def test_the_floors_table_sits_beside_scenario_2s_subgraph_calls() -> None:
    results = steady_results()
    results["scenarios"] += [
        scenario("2a", [300.0, 290.0, 310.0], {"posts": 6.0}, target="posts", breakdown=True),
        scenario(
            "floor", [900.0, 880.0, 910.0], {"floor-django": 1.2}, target="floor-django", floor=True
        ),
    ]
    text = report.markdown(results)
    floors = text.split("## Floors")[1].split("## Inside the router")[0]
    assert (
        "| floor | floor-django | 900 [880-910] | 1.11 [1.10-1.14] | 1.20 [1.20-1.20] |" in floors
    )
    assert "| 2a | posts | 300 [290-310] |" in floors
    throughput_table = text.split("## Throughput and latency")[1].split("## CPU time")[0]
    assert "| floor |" not in throughput_table


def test_every_latest_file_is_the_last_runs(tmp_path: Path) -> None:
    profiled = steady_results()
    profiled["profiles"] = {"monolith/monolith": "# monolith profile"}
    report.write(profiled, tmp_path, dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    assert (tmp_path / "latest-profile.md").read_text() == "# monolith profile\n"
    report.write(steady_results(), tmp_path, dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC))
    assert not (tmp_path / "latest-profile.md").exists()
    assert (tmp_path / "2026-12-01T1000Z-profile.md").exists()
    latest = json.loads((tmp_path / "latest.json").read_text())
    assert latest["date"] == "2026-12-02 10:00 UTC"
    assert (tmp_path / "latest.md").read_text().startswith("# Benchmark: 2026-12-02 10:00 UTC")
    assert latest["provisional"] == []
    assert latest["headline"]["throughput_ratio"]["median"] == pytest.approx(110 / 420)
