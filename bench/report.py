"""Results: the targets checked, a Markdown report, a JSON file and a PNG chart."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.rounds import WIDE_SPREAD_MAX, Spread, spread
from scripts.subgraphs import router_node_dir
from tests.support.stack import REPO_ROOT

# The targets.
BASELINE_THROUGHPUT_RATIO_MIN = 0.5
ROUTER_OVERHEAD_P50_MS_MAX = 3.0
STAFF_LISTING_COST_RATIO_MAX = 3.0
SUBGRAPH_PROCESS_RSS_MB_MAX = 150.0
ROUTER_PROCESS_RSS_MB_MAX = 300.0
# "Flat as the tables grow": scenario 2's p50 with `scale` times the rows, within this factor.
SCALED_P50_RATIO_MAX = 1.25
# A machine busier than this (1-minute load average per core) before the run is not quiet.
QUIET_LOAD_PER_CORE = 0.25
CPU_COLUMNS = ("router", "users", "posts", "monolith", "postgres", "wrk")
SERVER_GROUPS = tuple(name for name in CPU_COLUMNS if name != "wrk")
# The process groups a request of scenario 2 and of the baseline reaches.
FEDERATED_GROUPS = ("router", "users", "posts", "postgres")
BASELINE_GROUPS = ("monolith", "postgres")


def _first_line(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else ""


def machine_info(
    *, load_before: tuple[float, ...], load_after: tuple[float, ...]
) -> dict[str, Any]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    distribution = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
    commit = _first_line(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"])
    changed = _first_line(["git", "-C", str(REPO_ROOT), "status", "--porcelain"])
    cores = os.cpu_count() or 1
    return {
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "cores": cores,
        "memory_gib": round(int(memory.group(1)) / 1024**2, 1) if memory else None,
        "os": distribution.group(1) if distribution else platform.platform(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": _first_line([str(router_node_dir() / "node"), "--version"]),
        "wrk": _first_line(["wrk", "--version"]).split(" [")[0],
        "commit": commit + (" + uncommitted changes" if changed not in ("", "?") else ""),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "quiet": load_before[0] / cores <= QUIET_LOAD_PER_CORE,
    }


# ---------------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    value: float | None
    limit: float
    unit: str
    at_most: bool
    how: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def shown(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        if self.unit == "statement counts":
            return "constant" if value == 1 else f"{value:.0f} different counts"
        return (
            f"{value:.2f} {self.unit}" if self.unit in ("x", "ms") else f"{value:.0f} {self.unit}"
        )

    def limit_text(self, *, ascii_only: bool = False) -> str:
        if self.unit == "statement counts":
            return "constant"
        sign = ("<=" if ascii_only else "≤") if self.at_most else (">=" if ascii_only else "≥")
        return f"{sign} {self.shown(self.limit)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.name,
            "value": self.value,
            "limit": self.limit,
            "unit": self.unit,
            "at_most": self.at_most,
            "met": self.met,
            "how": self.how,
        }


def _numbers(source: dict[str, Any], key: str, connections: int) -> dict[str, Any] | None:
    for scenario in source.get("scenarios", []):
        if scenario["key"] == key:
            return scenario["concurrency"].get(str(connections))
    return None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _get(numbers: dict[str, Any] | None, field: str) -> float | None:
    return numbers[field] if numbers else None


def _measured_rounds(numbers: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The rounds that served requests (a round without one has no CPU time per request)."""
    return [record for record in (numbers or {}).get("rounds", []) if record["requests"]]


def cpu_spread(numbers: dict[str, Any] | None, groups: tuple[str, ...]) -> Spread | None:
    """CPU milliseconds per request of these process groups together: each round's sum, then
    the median round and the spread."""
    return spread(
        [
            sum(record["cpu_ms_per_request"].get(name) or 0.0 for name in groups)
            for record in _measured_rounds(numbers)
        ]
    )


def server_cpu_ms(numbers: dict[str, Any] | None) -> float | None:
    """CPU milliseconds per request of every server process (all but the load generator)."""
    server_cpu = cpu_spread(numbers, SERVER_GROUPS)
    return server_cpu.median if server_cpu else None


def throughput_ratio(
    results: dict[str, Any], numerator: str, denominator: str, connections: int
) -> Spread | None:
    """Throughput of one scenario over another's, round by round: the two ran in the same
    rounds, so each round's ratio compares them under the same load of the machine."""
    pairs = zip(
        _measured_rounds(_numbers(results, numerator, connections)),
        _measured_rounds(_numbers(results, denominator, connections)),
        strict=False,
    )
    return spread(
        [
            top["requests_per_second"] / bottom["requests_per_second"]
            for top, bottom in pairs
            if bottom["requests_per_second"]
        ]
    )


def _spread_of(numbers: dict[str, Any], figure: str, group: str | None = None) -> Spread | None:
    spreads = numbers.get("spread") or {}
    data = spreads.get(figure) if group is None else spreads.get(figure, {}).get(group)
    return Spread.from_dict(data) if data else None


def wide_spreads(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every compared scenario (all but the writes) whose throughput varied between rounds by
    more than WIDE_SPREAD_MAX of its median, at any concurrency, scaled runs included."""
    sources = [("", results)]
    if "scaled" in results:
        sources.append((f" ({results['scaled']['scale']}x rows)", results["scaled"]))
    wide = []
    for suffix, source in sources:
        for scenario in source.get("scenarios", []):
            if scenario.get("writes"):
                continue
            for level, numbers in scenario["concurrency"].items():
                throughput = _spread_of(numbers, "requests_per_second")
                if throughput is not None and throughput.is_wide():
                    wide.append(
                        {
                            "scenario": scenario["label"] + suffix,
                            "concurrency": int(level),
                            "relative_spread": throughput.relative,
                        }
                    )
    return wide


def provisional_reasons(results: dict[str, Any]) -> list[str]:
    """Why a run's figures are not to be trusted as they stand; empty for a run that is."""
    settings, machine = results["settings"], results["machine"]
    reasons = ["quick run"] if settings["quick"] else []
    if settings.get("only"):
        reasons.append(f"some scenarios only (--only {settings['only']})")
    if not machine["quiet"]:
        reasons.append(f"busy machine (load average {machine['load_average_before'][0]} at start)")
    if settings["rounds"] < 2:
        reasons.append("one round: no spread measured")
    wide = wide_spreads(results)
    if wide:
        listed = ", ".join(
            f"{entry['scenario']} c={entry['concurrency']} ({entry['relative_spread']:.1%})"
            for entry in wide
        )
        reasons.append(
            f"wide spread: throughput varied between rounds by more than {WIDE_SPREAD_MAX:.0%} "
            f"of its median for {listed}"
        )
    return reasons


def targets(results: dict[str, Any]) -> list[Target]:
    """Each target of the issue: the value measured, its limit, and whether it is met."""
    levels = results["settings"]["concurrency"]
    low, high = min(levels), max(levels)
    ratio = throughput_ratio(results, "my-posts-router", "monolith", high)
    checked = [
        Target(
            "Scenario 2 throughput vs the baseline view",
            ratio.median if ratio else None,
            BASELINE_THROUGHPUT_RATIO_MIN,
            "x",
            at_most=False,
            how=f"req/s of scenario 2 / req/s of the monolith in the same round, median round, "
            f"c={high}",
        ),
    ]
    me_router = _get(_numbers(results, "me-router", low), "p50_ms")
    me_users = _get(_numbers(results, "me-users", low), "p50_ms")
    checked.append(
        Target(
            "Router overhead on `me` (p50)",
            me_router - me_users if me_router is not None and me_users is not None else None,
            ROUTER_OVERHEAD_P50_MS_MAX,
            "ms",
            at_most=True,
            how=f"p50 through the router - p50 direct to users, c={low}",
        )
    )
    checked.append(
        Target(
            "Scenario 3 cost per request vs scenario 2",
            _ratio(
                server_cpu_ms(_numbers(results, "staff-posts-router", high)),
                server_cpu_ms(_numbers(results, "my-posts-router", high)),
            ),
            STAFF_LISTING_COST_RATIO_MAX,
            "x",
            at_most=True,
            how=f"CPU time per request of every server process, scenario 3 / scenario 2, c={high}",
        )
    )
    memory = results.get("memory", [])
    for services, limit, name in (
        (("users", "posts"), SUBGRAPH_PROCESS_RSS_MB_MAX, "Largest subgraph process (RSS)"),
        (("router",), ROUTER_PROCESS_RSS_MB_MAX, "Router process (RSS)"),
    ):
        sizes = [m["rss_mb"] for m in memory if m["service"] in services and m["counted"]]
        checked.append(
            Target(name, max(sizes) if sizes else None, limit, "MB", True, "VmRSS after the run")
        )
    if "scaled" in results:
        scaled = results["scaled"]
        checked.append(
            Target(
                f"Scenario 2 p50 with {scaled['scale']}x the rows",
                _ratio(
                    _get(_numbers(scaled, "my-posts-router", low), "p50_ms"),
                    _get(_numbers(results, "my-posts-router", low), "p50_ms"),
                ),
                SCALED_P50_RATIO_MAX,
                "x",
                at_most=True,
                how=f"p50 at {scaled['posts']:,} posts / p50 at "
                f"{results['settings']['posts']:,} posts, c={low}",
            )
        )
    totals: dict[str, set[float]] = {}
    for row in results.get("sql_statements_per_request", []):
        totals.setdefault(row["request"], set()).add(sum(row["per_service"].values()))
    for request, distinct in totals.items():
        checked.append(
            Target(
                f"SQL statements per request: {request}",
                float(len(distinct)),
                1.0,
                "statement counts",
                at_most=True,
                how="statements per request at the smaller and the larger page size",
            )
        )
    return checked


# ---------------------------------------------------------------------------------- Markdown


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _figure(value: float | None, figure_spread: Spread | None, digits: int) -> str:
    """A figure's median round and, with more than one round, [lowest-highest round]."""
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    if figure_spread is not None and figure_spread.rounds > 1:
        text += f" [{figure_spread.low:.{digits}f}-{figure_spread.high:.{digits}f}]"
    return text


def _wide_mark(scenario: dict[str, Any], numbers: dict[str, Any]) -> str:
    """The mark of a row whose throughput spread marks the run (`wide_spreads`)."""
    throughput = _spread_of(numbers, "requests_per_second")
    wide = throughput is not None and throughput.is_wide() and not scenario.get("writes")
    return " **wide spread**" if wide else ""


def _scenario_table(scenarios: list[dict[str, Any]], levels: list[int]) -> list[str]:
    columns = " | ".join(f"c={c} req/s | c={c} p50 ms | c={c} p99 ms" for c in levels)
    lines = [f"| scenario | {columns} |", "| --- |" + " ---: | ---: | ---: |" * len(levels)]
    for scenario in scenarios:
        cells = []
        for c in levels:
            numbers = scenario["concurrency"].get(str(c))
            if numbers is None:
                cells.append("- | - | -")
                continue
            errors = f" ({numbers['errors']} errors)" if numbers["errors"] else ""
            cells.append(
                " | ".join(
                    [
                        _figure(
                            numbers["requests_per_second"],
                            _spread_of(numbers, "requests_per_second"),
                            0,
                        )
                        + errors
                        + _wide_mark(scenario, numbers),
                        _figure(numbers["p50_ms"], _spread_of(numbers, "p50_ms"), 1),
                        _figure(numbers["p99_ms"], _spread_of(numbers, "p99_ms"), 1),
                    ]
                )
            )
        name = scenario["label"] + (" *(part of 2)*" if scenario["breakdown"] else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _cpu_table(scenarios: list[dict[str, Any]], connections: int) -> list[str]:
    lines = [
        "| scenario | " + " | ".join(CPU_COLUMNS) + " | all servers |",
        "| --- |" + " ---: |" * (len(CPU_COLUMNS) + 1),
    ]
    for scenario in scenarios:
        numbers = scenario["concurrency"].get(str(connections))
        if numbers is None:
            continue
        cpu = numbers["cpu_ms_per_request"]
        cells = " | ".join(
            _figure(cpu.get(name), _spread_of(numbers, "cpu_ms_per_request", name), 2)
            for name in CPU_COLUMNS
        )
        servers = cpu_spread(numbers, SERVER_GROUPS)
        lines.append(
            f"| {scenario['label']} | {cells} | "
            f"{_figure(servers.median if servers else None, servers, 2)} |"
        )
    return lines


def _floors_table(scenarios: list[dict[str, Any]], connections: int) -> list[str]:
    """The floors, then scenario 2's calls to each subgraph: the CPU time per request of the
    process group that serves each."""
    rows = [s for s in scenarios if s.get("floor")] + [s for s in scenarios if s["breakdown"]]
    lines = [
        "| what | served by | req/s | p50 ms | CPU ms per request of the serving process |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for scenario in rows:
        numbers = scenario["concurrency"].get(str(connections))
        if numbers is None:
            continue
        process = scenario["target"]
        lines.append(
            f"| {scenario['label']} | {process} | "
            + _figure(numbers["requests_per_second"], _spread_of(numbers, "requests_per_second"), 0)
            + _wide_mark(scenario, numbers)
            + f" | {_figure(numbers['p50_ms'], _spread_of(numbers, 'p50_ms'), 2)} | "
            + _figure(
                numbers["cpu_ms_per_request"].get(process),
                _spread_of(numbers, "cpu_ms_per_request", process),
                2,
            )
            + " |"
        )
    return lines


def headline(results: dict[str, Any]) -> dict[str, Any]:
    """Scenario 2 against the baseline at the highest concurrency: the throughput ratio (round by
    round) and the CPU time per request of every server process each request reaches."""
    high = max(results["settings"]["concurrency"])
    ratio = throughput_ratio(results, "my-posts-router", "monolith", high)
    federated = cpu_spread(_numbers(results, "my-posts-router", high), FEDERATED_GROUPS)
    baseline = cpu_spread(_numbers(results, "monolith", high), BASELINE_GROUPS)
    return {
        "concurrency": high,
        "throughput_ratio": ratio.as_dict() if ratio else None,
        "scenario_2_server_cpu_ms_per_request": federated.as_dict() if federated else None,
        "scenario_2_server_groups": list(FEDERATED_GROUPS),
        "baseline_server_cpu_ms_per_request": baseline.as_dict() if baseline else None,
        "baseline_server_groups": list(BASELINE_GROUPS),
    }


def _headline_lines(results: dict[str, Any]) -> list[str]:
    numbers = headline(results)
    ratio, federated, baseline = (
        Spread.from_dict(data) if data else None
        for data in (
            numbers["throughput_ratio"],
            numbers["scenario_2_server_cpu_ms_per_request"],
            numbers["baseline_server_cpu_ms_per_request"],
        )
    )
    return [
        f"- Scenario 2 throughput / the baseline's, c={numbers['concurrency']}: "
        f"{_figure(ratio.median if ratio else None, ratio, 2)} x",
        f"- CPU ms per request of every server process, c={numbers['concurrency']}: scenario 2 "
        f"({' + '.join(FEDERATED_GROUPS)}) "
        f"{_figure(federated.median if federated else None, federated, 2)}; the baseline "
        f"({' + '.join(BASELINE_GROUPS)}) "
        f"{_figure(baseline.median if baseline else None, baseline, 2)}",
    ]


def _router_table(scenarios: list[dict[str, Any]], connections: int) -> list[str]:
    rows = [
        (scenario, scenario["concurrency"].get(str(connections), {}).get("router_breakdown"))
        for scenario in scenarios
        if scenario["target"] == "router"
    ]
    rows = [(scenario, parts) for scenario, parts in rows if parts]
    if not rows:
        return ["The router exposes no metrics."]
    parts_seen = list(dict.fromkeys(part for _, parts in rows for part in parts))
    lines = [
        "| scenario | " + " | ".join(parts_seen) + " | router's own (whole - calls) |",
        "| --- |" + " ---: |" * (len(parts_seen) + 1),
    ]
    for scenario, parts in rows:
        cells = []
        for part in parts_seen:
            value = parts.get(part)
            calls = value["calls_per_request"] if value else 0
            shown = "-" if value is None else f"{value['ms_per_request']:.2f}"
            cells.append(shown + (f" ({calls:g} calls)" if value and calls != 1 else ""))
        whole = parts.get("whole request (router HTTP)", {}).get("ms_per_request")
        calls = sum(v["ms_per_request"] for k, v in parts.items() if k.startswith("call to "))
        own = "-" if whole is None else f"{whole - calls:.2f}"
        lines.append(f"| {scenario['label']} | " + " | ".join(cells) + f" | {own} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    settings, machine = results["settings"], results["machine"]
    levels = settings["concurrency"]
    low, high = min(levels), max(levels)
    lines = [
        f"# Benchmark: {results['date']}",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; "
        f"{machine['os']}; Python {machine['python']}, Node {machine['node']}, "
        f"PostgreSQL {machine['postgresql']}, {machine['wrk']}; commit {machine['commit']}.",
        "",
        f"Data: {settings['users']:,} users, {settings['posts']:,} posts. Each Python service: "
        f"uvicorn with {settings['workers']} workers. Load: wrk, one connection per user token, "
        f"{settings['warmup_s']:g} s warm-up of each scenario, then {settings['rounds']} rounds "
        f"of {settings['duration_s']:g} s, each round running every scenario once (the reads in "
        "a rotated order, then the writes). Each figure: the median round, then in brackets the "
        "lowest and the highest round. A throughput spread (highest - lowest round) over "
        f"{WIDE_SPREAD_MAX:.0%} of the median, on any scenario but the writes, marks the run.",
    ]
    reasons = provisional_reasons(results)
    if reasons:
        lines += ["", f"**Provisional**: {'; '.join(reasons)}."]
    if settings["note"]:
        lines += ["", settings["note"]]
    lines += ["", "## Scenario 2 against the baseline", "", *_headline_lines(results)]
    lines += ["", "## Targets", "", "| target | measured | limit | | how |"]
    lines.append("| --- | ---: | ---: | --- | --- |")
    for target in targets(results):
        lines.append(
            f"| {target.name} | {target.shown(target.value)} | {target.limit_text()} | "
            f"{_verdict(target.met)} | {target.how} |"
        )
    scenarios = [scenario for scenario in results["scenarios"] if not scenario.get("floor")]
    lines += ["", "## Throughput and latency", "", *_scenario_table(scenarios, levels)]
    lines += [
        "",
        f"## CPU time per request (ms), c={high}",
        "",
        "CPU time (user + system) each process group spent during a round, divided by the "
        "requests served in it: the median round [lowest-highest]. `wrk` is the load generator; "
        "all servers is each round's sum of the others.",
        "",
        *_cpu_table(scenarios, high),
        "",
        f"## Floors beside scenario 2's subgraph calls, c={high}",
        "",
        "The floors serve scenario 2a's page (20 posts, authors as federation stubs) with no "
        "database and no project code, one uvicorn worker each (bench/floors/). 2a and 2b are the "
        f"subgraphs ({settings['workers']} workers each) answering scenario 2's calls, reading "
        "PostgreSQL (its CPU time is in the table above). What a subgraph spends above the "
        "floors is what the project adds.",
        "",
        *_floors_table(results["scenarios"], high),
        "",
        f"## Inside the router (ms per request, its Prometheus metrics; each part's median over "
        f"the rounds), c={low}",
        "",
        *_router_table(scenarios, low),
    ]
    if "scaled" in results:
        scaled = results["scaled"]
        lines += [
            "",
            f"## Scenario 2 with {scaled['scale']}x the rows "
            f"({scaled['users']:,} users, {scaled['posts']:,} posts)",
            "",
            *_scenario_table(scaled["scenarios"], levels),
        ]
    lines += [
        "",
        "## SQL statements per request",
        "",
        "Counted by pg_stat_statements over real requests, per database.",
        "",
        "| request | page size | posts DB | users DB | monolith DB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in results["sql_statements_per_request"]:
        counts = " | ".join(
            f"{row['per_service'].get(service, 0):g}" for service in ("posts", "users", "monolith")
        )
        lines.append(f"| {row['request']} | {row['page_size']} | {counts} |")
    lines += [
        "",
        "## Resident memory after the run",
        "",
        "| service | process | RSS MB | peak RSS MB |",
        "| --- | --- | ---: | ---: |",
    ]
    for memory in results["memory"]:
        role = memory["role"] + ("" if memory["counted"] else " (not counted)")
        sizes = f"{memory['rss_mb']:.0f} | {memory['peak_rss_mb']:.0f}"
        lines.append(f"| {memory['service']} | {role} | {sizes} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- chart


def chart(results: dict[str, Any], path: Path) -> None:
    """Throughput, p99 latency and CPU time per request of every scenario (the floors have a
    table of their own)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = [scenario for scenario in results["scenarios"] if not scenario.get("floor")]
    levels = results["settings"]["concurrency"]
    figure, (throughput, latency, cpu) = plt.subplots(
        1, 3, figsize=(17, 0.45 * len(scenarios) + 2), sharey=True
    )
    positions = range(len(scenarios))
    height = 0.8 / len(levels)
    for index, level in enumerate(levels):
        offsets = [p + (index - (len(levels) - 1) / 2) * height for p in positions]
        numbers = [scenario["concurrency"].get(str(level)) or {} for scenario in scenarios]
        throughput.barh(
            offsets, [n.get("requests_per_second", 0) for n in numbers], height, label=f"c={level}"
        )
        latency.barh(offsets, [n.get("p99_ms", 0) for n in numbers], height, label=f"c={level}")
    left = [0.0] * len(scenarios)
    for name in CPU_COLUMNS[:-1]:
        values = [
            (scenario["concurrency"].get(str(max(levels))) or {})
            .get("cpu_ms_per_request", {})
            .get(name)
            or 0.0
            for scenario in scenarios
        ]
        cpu.barh(list(positions), values, 0.6, left=left, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    # A login costs a password hash, a hundred times anything else: its bar runs off the axis,
    # labelled with its total, so that the others stay readable.
    totals = sorted(left)
    if len(totals) > 1 and totals[-1] > 3 * totals[-2] > 0:
        limit = 1.3 * totals[-2]
        cpu.set_xlim(0, limit)
        for position, total in zip(positions, left, strict=True):
            if total > limit:
                cpu.text(0.98 * limit, position, f"{total:.0f} ms \u2192", ha="right", va="center")
    throughput.set_yticks(list(positions), [scenario["label"] for scenario in scenarios])
    throughput.invert_yaxis()
    throughput.set_xlabel("requests/s (higher is better)")
    # Logins take a password hash each: seconds, next to milliseconds for everything else.
    latency.set_xscale("log")
    latency.set_xlabel("p99 latency, ms, log scale (lower is better)")
    cpu.set_xlabel(f"CPU ms per request by process, c={max(levels)}")
    for axes in (throughput, latency, cpu):
        axes.grid(axis="x", alpha=0.3)
        axes.legend(loc="best", fontsize="small")
    figure.suptitle(f"Federated stack vs monolith, {results['date']}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


# ---------------------------------------------------------------------------------- files


def write(results: dict[str, Any], output_dir: Path, started: dt.datetime) -> list[Path]:
    """latest.{json,md,png} and dated copies of the JSON and Markdown; the profiles' summaries
    (with `--profile`) in latest-profile.md and a dated copy. Every latest.* file is this run's:
    a run without profiles removes an earlier run's latest-profile.md."""
    results["date"] = started.strftime("%Y-%m-%d %H:%M UTC")
    results["targets"] = [target.as_dict() for target in targets(results)]
    results["headline"] = headline(results)
    results["wide_spread"] = wide_spreads(results)
    results["provisional"] = provisional_reasons(results)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y-%m-%dT%H%MZ")
    document, data = markdown(results), json.dumps(results, indent=2) + "\n"
    files = {
        "latest.json": data,
        f"{stamp}.json": data,
        "latest.md": document,
        f"{stamp}.md": document,
    }
    if results.get("profiles"):
        profiles = "\n\n".join(results["profiles"].values()) + "\n"
        files["latest-profile.md"] = files[f"{stamp}-profile.md"] = profiles
    else:
        (output_dir / "latest-profile.md").unlink(missing_ok=True)
    for name, text in files.items():
        (output_dir / name).write_text(text)
    chart(results, output_dir / "latest.png")
    return [*(output_dir / name for name in files), output_dir / "latest.png"]


def summary(results: dict[str, Any]) -> str:
    """The ratios that matter, for the end of the run's output."""
    lines = ["", "Scenario 2 against the baseline:", *_headline_lines(results)]
    lines += [f"PROVISIONAL: {reason}" for reason in provisional_reasons(results)]
    lines += ["", "Targets:"]
    for target in targets(results):
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[target.met]
        lines.append(
            f"  {target.name:58} {target.shown(target.value):>14}  "
            f"({target.limit_text(ascii_only=True)}) {verdict}"
        )
    return "\n".join(lines)
