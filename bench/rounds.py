"""The measured rounds of a scenario, summarized: each figure's median round and its spread.

Every figure (throughput, p50, p99, CPU time per request of each process group) is measured once
per round. The report gives the median round and the spread as the lowest and the highest round
(min-max: with 3 rounds an interquartile range says nothing more). A spread wider than
WIDE_SPREAD_MAX of the median, on the throughput of a compared scenario, marks the whole run: the
machine was not steady enough for its ratios to be trusted.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

# (highest round - lowest round) / median round, on throughput, beyond which a run is marked.
WIDE_SPREAD_MAX = 0.20
SPREAD_FIGURES = ("requests_per_second", "p50_ms", "p99_ms")


@dataclass(frozen=True, slots=True)
class Spread:
    median: float
    low: float
    high: float
    rounds: int

    @property
    def relative(self) -> float | None:
        """(high - low) / median; None with one round (no spread measured) or a zero median."""
        if self.rounds < 2 or not self.median:
            return None
        return (self.high - self.low) / self.median

    def is_wide(self, limit: float = WIDE_SPREAD_MAX) -> bool:
        relative = self.relative
        return relative is not None and relative > limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "rounds": self.rounds,
            "relative": self.relative,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Spread:
        return cls(median=data["median"], low=data["min"], high=data["max"], rounds=data["rounds"])


def spread(values: list[float]) -> Spread | None:
    """The median, lowest and highest of one figure's rounds; None without a round."""
    if not values:
        return None
    return Spread(
        median=statistics.median(values), low=min(values), high=max(values), rounds=len(values)
    )


def summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The median round of every figure, and every figure's spread, from the rounds' records
    (each: the SPREAD_FIGURES, `errors`, `cpu_ms_per_request` per process group, and
    `router_breakdown`, ms and calls per request of each part)."""
    spreads: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for figure in SPREAD_FIGURES:
        figure_spread = spread([record[figure] for record in rounds])
        summary[figure] = figure_spread.median if figure_spread else None
        spreads[figure] = figure_spread.as_dict() if figure_spread else None
    groups = dict.fromkeys(name for record in rounds for name in record["cpu_ms_per_request"])
    cpu: dict[str, float | None] = {}
    spreads["cpu_ms_per_request"] = {}
    for name in groups:
        values = [
            record["cpu_ms_per_request"][name]
            for record in rounds
            if record["cpu_ms_per_request"].get(name) is not None
        ]
        group_spread = spread(values)
        cpu[name] = group_spread.median if group_spread else None
        spreads["cpu_ms_per_request"][name] = group_spread.as_dict() if group_spread else None
    return {
        **summary,
        "errors": sum(record["errors"] for record in rounds),
        "cpu_ms_per_request": cpu,
        "router_breakdown": median_breakdown([record["router_breakdown"] for record in rounds]),
        "spread": spreads,
    }


def median_breakdown(
    breakdowns: list[dict[str, dict[str, float]]],
) -> dict[str, dict[str, float]]:
    """Each part's median over the rounds that measured it (the router's metrics, per round)."""
    parts = dict.fromkeys(part for breakdown in breakdowns for part in breakdown)
    return {
        part: {
            field: statistics.median(
                breakdown[part][field] for breakdown in breakdowns if part in breakdown
            )
            for field in ("ms_per_request", "calls_per_request")
        }
        for part in parts
    }
