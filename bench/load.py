"""Drives load with wrk from its own process: one connection per wrk thread, each connection with
its own request (bench/connections.lua), so no two connections share an access token and nothing
can be deduplicated along the way."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "connections.lua"
RESULT_PREFIX = "BENCH_RESULT "
REQUEST_TIMEOUT = "10s"


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One wrk run: throughput, latency percentiles and anything that went wrong."""

    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    failed_responses: int
    socket_errors: int
    timeouts: int

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        return self.failed_responses + self.socket_errors + self.timeouts


def wrk_executable() -> str:
    executable = shutil.which("wrk")
    if executable is None:
        raise RuntimeError("wrk is not installed: `apt-get install -y wrk` (make bench does it)")
    return executable


def lua_string(value: str) -> str:
    """A Lua string literal of `value`: printable ASCII as is, every other byte escaped."""
    escaped = []
    for byte in value.encode():
        character = chr(byte)
        if 32 <= byte < 127 and character not in '"\\':
            escaped.append(character)
        else:
            escaped.append(f"\\{byte:03d}")
    return '"' + "".join(escaped) + '"'


def write_connections(path: Path, requests: list[HttpRequest]) -> None:
    lines = ["return {"]
    for request in requests:
        headers = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}" for name, value in request.headers.items()
        )
        body = lua_string(request.body) if request.body else "nil"
        lines.append(
            f"  {{method = {lua_string(request.method)}, path = {lua_string(request.path)}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def run_wrk(
    *, base_url: str, requests: list[HttpRequest], duration_s: float, connections_file: Path
) -> LoadResult:
    """`len(requests)` connections for `duration_s` seconds, connection i sending requests[i]."""
    write_connections(connections_file, requests)
    connections = str(len(requests))
    completed = subprocess.run(
        [
            wrk_executable(),
            "--threads", connections,
            "--connections", connections,
            "--duration", f"{duration_s:g}s",
            "--timeout", REQUEST_TIMEOUT,
            "--script", str(LUA_SCRIPT),
            base_url,
            "--",
            str(connections_file),
        ],
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            numbers = json.loads(line.removeprefix(RESULT_PREFIX))
            return LoadResult(
                requests=numbers["requests"],
                duration_s=numbers["duration_us"] / 1e6,
                p50_ms=numbers["p50_us"] / 1e3,
                p99_ms=numbers["p99_us"] / 1e3,
                failed_responses=numbers["failed_responses"],
                socket_errors=numbers["socket_errors"],
                timeouts=numbers["timeouts"],
            )
    raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
