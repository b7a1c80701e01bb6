"""A figure's median round and spread, and the summary of a scenario's rounds."""

from __future__ import annotations

from typing import Any

import pytest

from bench.rounds import WIDE_SPREAD_MAX, Spread, median_breakdown, spread, summarize


def record(rps: float, *, cpu: dict[str, float | None], errors: int = 0) -> dict[str, Any]:
    return {
        "requests": int(rps * 10),
        "requests_per_second": rps,
        "p50_ms": 1000 / rps,
        "p99_ms": 3000 / rps,
        "errors": errors,
        "cpu_ms_per_request": cpu,
        "router_breakdown": {},
    }


def test_spread_is_the_median_lowest_and_highest_round() -> None:
    assert spread([110.0, 90.0, 100.0]) == Spread(median=100.0, low=90.0, high=110.0, rounds=3)
    assert spread([110.0, 90.0, 100.0]).relative == pytest.approx(0.2)
    assert spread([]) is None


def test_one_round_has_no_spread_and_is_never_wide() -> None:
    once = spread([100.0])
    assert once is not None
    assert once.relative is None
    assert not once.is_wide()


@pytest.mark.parametrize(
    ("values", "wide"),
    [
        ([100.0 - 50 * WIDE_SPREAD_MAX, 100.0, 100.0 + 50 * WIDE_SPREAD_MAX], False),  # at it
        ([100.0, 125.0, 110.0], True),
        ([100.0, 120.0, 110.0], False),
        ([50.0, 100.0], True),
    ],
)
def test_a_spread_is_wide_beyond_the_limit_of_its_median(values: list[float], wide: bool) -> None:
    figure = spread(values)
    assert figure is not None
    assert figure.is_wide() is wide


def test_a_spread_survives_the_json_round_trip() -> None:
    figure = spread([3.0, 1.0, 2.0])
    assert figure is not None
    assert Spread.from_dict(figure.as_dict()) == figure


def test_summary_takes_each_figure_from_its_own_median_round() -> None:
    rounds = [
        record(100.0, cpu={"posts": 5.0, "wrk": 1.0}),
        record(80.0, cpu={"posts": 9.0, "wrk": 1.2}, errors=2),
        record(120.0, cpu={"posts": 7.0, "wrk": 0.8}),
    ]
    summary = summarize(rounds)
    assert summary["requests_per_second"] == 100.0
    assert summary["p50_ms"] == 10.0
    assert summary["errors"] == 2
    assert summary["cpu_ms_per_request"] == {"posts": 7.0, "wrk": 1.0}
    assert summary["spread"]["requests_per_second"]["min"] == 80.0
    assert summary["spread"]["requests_per_second"]["max"] == 120.0
    assert summary["spread"]["cpu_ms_per_request"]["posts"] == {
        "median": 7.0,
        "min": 5.0,
        "max": 9.0,
        "rounds": 3,
        "relative": pytest.approx(4.0 / 7.0),
    }


def test_summary_leaves_out_rounds_without_cpu_time_per_request() -> None:
    rounds = [record(100.0, cpu={"posts": 5.0}), record(100.0, cpu={"posts": None})]
    summary = summarize(rounds)
    assert summary["cpu_ms_per_request"] == {"posts": 5.0}
    assert summary["spread"]["cpu_ms_per_request"]["posts"]["rounds"] == 1


def test_router_breakdown_is_each_parts_median_over_the_rounds_that_measured_it() -> None:
    breakdowns = [
        {"parse": {"ms_per_request": 0.1, "calls_per_request": 1.0}},
        {
            "parse": {"ms_per_request": 0.3, "calls_per_request": 1.0},
            "call to users subgraph": {"ms_per_request": 2.0, "calls_per_request": 1.0},
        },
        {"parse": {"ms_per_request": 0.2, "calls_per_request": 1.0}},
    ]
    assert median_breakdown(breakdowns) == {
        "parse": {"ms_per_request": 0.2, "calls_per_request": 1.0},
        "call to users subgraph": {"ms_per_request": 2.0, "calls_per_request": 1.0},
    }
