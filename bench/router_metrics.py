"""The router's own account of its time, from its Prometheus endpoint (/metrics).

Each histogram's `_sum` and `_count` are read before and after a scenario's measured rounds; the
differences give the mean time per request of each phase (parse, validate, execute) and of each
subgraph call, next to the router's whole HTTP request.
"""

from __future__ import annotations

import re

import httpx

SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][\w:]*)_(?P<kind>sum|count)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$"
)
SUBGRAPH_LABEL = re.compile(r'subgraphName="(?P<subgraph>[^"]*)"')
# Histograms in seconds: the whole HTTP request, GraphQL phases, and the calls to subgraphs.
REQUEST = "graphql_yoga_http_duration"
PHASES = {
    "graphql_envelop_phase_parse": "parse",
    "graphql_envelop_phase_validate": "validate",
    "graphql_envelop_phase_execute": "execute (plan and subgraph calls)",
}
SUBGRAPH_CALL = "graphql_gateway_subgraph_execute_duration"

Totals = dict[str, tuple[float, float]]  # series -> (sum, count)


def read(router_url: str) -> Totals | None:
    """Every histogram's totals, per subgraph where labelled; None without a /metrics endpoint."""
    try:
        response = httpx.get(f"{router_url}/metrics", timeout=10)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    totals: dict[str, list[float]] = {}
    for line in response.text.splitlines():
        match = SAMPLE.match(line)
        if match is None:
            continue
        subgraph = SUBGRAPH_LABEL.search(match["labels"] or "")
        series = match["name"] + (f"/{subgraph['subgraph']}" if subgraph else "")
        entry = totals.setdefault(series, [0.0, 0.0])
        entry[0 if match["kind"] == "sum" else 1] += float(match["value"])
    return {series: (total, count) for series, (total, count) in totals.items()}


def per_request(before: Totals | None, after: Totals | None) -> dict[str, dict[str, float]]:
    """Mean milliseconds per router request (and calls per request) of each part, between two
    readings; empty when the router has no metrics."""
    if not before or not after or REQUEST not in after:
        return {}
    requests = after[REQUEST][1] - before.get(REQUEST, (0.0, 0.0))[1]
    if requests <= 0:
        return {}
    parts: dict[str, dict[str, float]] = {}

    def add(label: str, series: str) -> None:
        total = after[series][0] - before.get(series, (0.0, 0.0))[0]
        count = after[series][1] - before.get(series, (0.0, 0.0))[1]
        if count > 0:
            parts[label] = {
                "ms_per_request": 1000 * total / requests,
                "calls_per_request": count / requests,
            }

    add("whole request (router HTTP)", REQUEST)
    for series, label in PHASES.items():
        if series in after:
            add(label, series)
    for series in sorted(after):
        if series.startswith(f"{SUBGRAPH_CALL}/"):
            add(f"call to {series.split('/', 1)[1]} subgraph", series)
    return parts
