"""The processes of each service, read from /proc: their tree, CPU time and resident memory."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

KB_PER_MB = 1024.0  # /proc reports kB


@dataclass(frozen=True, slots=True)
class ProcessMemory:
    service: str
    pid: int
    role: str
    rss_mb: float
    peak_rss_mb: float
    # Whether the per-process memory target applies (not to npm, which launches the router in
    # development only, nor to multiprocessing's helper).
    counted: bool


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        # The command name (in parentheses) may hold spaces: the fields after it are fixed.
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(stat_file.parent.name))
    return children


def process_tree(root_pid: int) -> list[int]:
    """The process and all its descendants, parents first."""
    children = _children_by_parent()
    tree, pending = [], [root_pid]
    while pending:
        pid = pending.pop(0)
        tree.append(pid)
        pending.extend(sorted(children.get(pid, [])))
    return tree


CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by the process and its descendants alive now."""
    total = 0
    for pid in process_tree(root_pid):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS_PER_SECOND


def _status_kb(pid: int, field: str) -> float:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return float(match.group(1)) if match else 0.0


def _argv(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def _is_gateway(argv: list[str]) -> bool:
    """`node server.ts`: router/server.ts serving Hive Gateway's runtime."""
    return Path(argv[0]).name == "node" and any(Path(arg).name == "server.ts" for arg in argv[1:])


def gateway_pid(router_root_pid: int) -> int:
    """The node process running the gateway, under the launchers (npm, sh) that started it."""
    for pid in process_tree(router_root_pid):
        if _is_gateway(_argv(pid)):
            return pid
    raise RuntimeError("no `node server.ts` process in the router's process tree")


def _role(service: str, argv: list[str], is_root: bool) -> tuple[str, bool]:
    """What a process is, and whether the service's per-process memory target applies to it."""
    if service == "router":
        if _is_gateway(argv):
            return "gateway (node)", True
        # npm and a shell only launch the gateway in development: the image runs it directly.
        return f"launcher ({Path(argv[0]).name}, not in production)", False
    if any("resource_tracker" in arg for arg in argv):
        return "multiprocessing helper", False
    return ("uvicorn supervisor" if is_root else "uvicorn worker"), True


def service_memory(service: str, root_pid: int) -> list[ProcessMemory]:
    memory = []
    for pid in process_tree(root_pid):
        try:
            argv = _argv(pid)
            rss, peak = _status_kb(pid, "VmRSS"), _status_kb(pid, "VmHWM")
        except OSError:
            continue
        role, counted = _role(service, argv, pid == root_pid)
        memory.append(
            ProcessMemory(
                service=service,
                pid=pid,
                role=role,
                rss_mb=rss / KB_PER_MB,
                peak_rss_mb=peak / KB_PER_MB,
                counted=counted,
            )
        )
    return memory


@contextmanager
def paused(process_group_ids: list[int]) -> Iterator[None]:
    """These process groups stopped (SIGSTOP) for the block, then resumed (SIGCONT).

    Stopped anywhere, within a database transaction too, a process runs nothing until it is
    resumed; what it had started then finishes as if it had been slow.
    """
    for group in process_group_ids:
        os.killpg(group, signal.SIGSTOP)
    try:
        yield
    finally:
        for group in process_group_ids:
            os.killpg(group, signal.SIGCONT)
