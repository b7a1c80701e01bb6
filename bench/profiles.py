"""Where the time goes inside the services: py-spy for the Python workers, V8's sampling
profiler for the router (node), each summarized by activity, package and function."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ------------------------------------------------------------------------------ summaries


@dataclass(frozen=True, slots=True)
class Profile:
    samples: int  # or, for V8, microseconds of samples
    self_by_activity: list[tuple[str, int]]
    self_by_package: list[tuple[str, int]]
    inclusive_by_function: list[tuple[str, int]]
    self_by_function: list[tuple[str, int]]

    def markdown(self, title: str, description: str, top: int = 25) -> str:
        def share(count: int) -> str:
            return f"{100 * count / self.samples:.1f}%" if self.samples else "-"

        lines = [f"## {title}", "", description, ""]
        sections = [
            ("Self time by activity (sums to 100%)", self.self_by_activity),
            ("Self time by package (sums to 100%)", self.self_by_package),
            ("Inclusive time by function (in it or what it calls)", self.inclusive_by_function),
            ("Self time by function", self.self_by_function),
        ]
        for heading, all_rows in sections:
            lines += [f"### {heading}", "", "| share | where |", "| ---: | --- |"]
            lines += [f"| {share(count)} | `{name}` |" for name, count in all_rows[:top]]
            lines.append("")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Frame:
    function: str
    package: str
    activity: str
    # Process and thread start-up, event loop entry points: in every stack, telling nothing.
    plumbing: bool = False

    @property
    def name(self) -> str:
        return f"{self.function} [{self.package}]"


def summarize(stacks: Iterable[tuple[list[Frame], int]]) -> Profile:
    """Stacks (root first) with their sample counts -> where the samples went."""
    self_by_activity: Counter[str] = Counter()
    self_by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    self_by_function: Counter[str] = Counter()
    samples = 0
    for frames, count in stacks:
        if not frames:
            continue
        samples += count
        leaf = frames[-1]
        self_by_activity[leaf.activity] += count
        self_by_package[leaf.package] += count
        self_by_function[leaf.name] += count
        for name in {frame.name for frame in frames if not frame.plumbing}:
            inclusive[name] += count
    return Profile(
        samples=samples,
        self_by_activity=self_by_activity.most_common(),
        self_by_package=self_by_package.most_common(),
        inclusive_by_function=inclusive.most_common(),
        self_by_function=self_by_function.most_common(),
    )


# ------------------------------------------------------------------------------ py-spy

PY_SPY_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
PYTHON_PLUMBING_PACKAGES = {"<string>", "multiprocessing", "threading", "concurrent"}
PYTHON_PLUMBING_FILES = {
    "asyncio/runners.py",
    "uvicorn/_compat.py",
    "uvicorn/_subprocess.py",
    "uvicorn/server.py",
    "uvicorn/supervisors/multiprocess.py",
}
SYNC_ASYNC = "sync/async switching (asgiref, threads)"
PYTHON_ACTIVITIES = {
    "asgiref": SYNC_ASYNC,
    "threading": SYNC_ASYNC,
    "concurrent": SYNC_ASYNC,
    "psycopg": "database driver (psycopg)",
    "psycopg_pool": "database driver (psycopg)",
    "graphql": "GraphQL execution (graphql-core, Strawberry)",
    "strawberry": "GraphQL execution (graphql-core, Strawberry)",
    "strawberry_django": "GraphQL execution (graphql-core, Strawberry)",
    "jwt": "token verification (PyJWT, cryptography)",
    "cryptography": "token verification (PyJWT, cryptography)",
    "json": "JSON",
    "uvicorn": "HTTP server (uvicorn)",
    "httptools": "HTTP server (uvicorn)",
    "asyncio": "event loop (asyncio, uvloop)",
    "logging": "logging",
    "pythonjsonlogger": "logging",
    "prometheus_client": "metrics",
    "whitenoise": "Django request handling",
    "corsheaders": "Django request handling",
    "posts": "service code",
    "accounts": "service code",
    "subgraph_kit": "service code",
    "bench": "service code",
}


def _python_frame(text: str) -> Frame | None:
    match = PY_SPY_FRAME.match(text)
    if match is None:  # process and thread frames
        return None
    file = match["file"]
    # py-spy prints paths from the import root: `django/db/models/query.py`, `threading.py`.
    package = file.split("/", 1)[0] if "/" in file else file.removesuffix(".py")
    if package == "django":
        activity = "Django ORM" if file.startswith("django/db/") else "Django request handling"
    else:
        activity = PYTHON_ACTIVITIES.get(package, f"other ({package})")
    plumbing = package in PYTHON_PLUMBING_PACKAGES or file in PYTHON_PLUMBING_FILES
    return Frame(
        function=f"{match['function']} ({file})",
        package=package,
        activity=activity,
        plumbing=plumbing,
    )


def start_py_spy(pid: int, duration_s: float, output: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling `pid` and its subprocesses (uvicorn's workers) for `duration_s`.

    Only samples of threads holding the GIL count: the Python work a worker's CPU does, not its
    threads waiting for the database or for each other.
    """
    executable = shutil.which("py-spy") or str(Path(__file__).parents[1] / ".venv/bin/py-spy")
    return subprocess.Popen(
        [
            executable, "record",
            "--pid", str(pid),
            "--subprocesses",
            "--gil",
            "--nonblocking",
            "--rate", "200",
            "--duration", str(max(1, round(duration_s))),
            "--format", "raw",
            "--output", str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def summarize_py_spy(raw_file: Path) -> Profile:
    """py-spy's collapsed stacks (`frame;frame;... count`, root first)."""

    def stacks() -> Iterable[tuple[list[Frame], int]]:
        for line in raw_file.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                frames = [frame for text in stack.split(";") if (frame := _python_frame(text))]
                yield frames, int(count)

    return summarize(stacks())


# ------------------------------------------------------------------------------ node (V8)

INSPECTOR_URL = "http://127.0.0.1:9229"
NODE_PLUMBING = {"(root)", "processTicksAndRejections", "runMicrotasks", "processImmediate"}
NODE_ACTIVITIES = {
    "(garbage collector)": "garbage collection",
    "(idle)": "idle",
    "(program)": "V8 and native code",
    "writev": "socket writes (writev)",
    "writeBuffer": "socket writes (writev)",
    "@graphql-hive/logger": "logging",
    "@graphql-hive/router-runtime": "query planning and plan execution",
    "@graphql-mesh/fusion-runtime": "query planning and plan execution",
    "@graphql-tools/executor-http": "subgraph calls (HTTP client)",
    "@whatwg-node/node-fetch": "subgraph calls (HTTP client)",
    "@graphql-yoga/plugin-jwt": "token verification",
    "jwks-rsa": "token verification",
    "jsonwebtoken": "token verification",
    "@envelop/prometheus": "metrics",
    "prom-client": "metrics",
    "graphql": "GraphQL (parse, validate, execute)",
    "graphql-yoga": "HTTP server (Yoga, whatwg-node)",
    "@whatwg-node/server": "HTTP server (Yoga, whatwg-node)",
    "@whatwg-node/promise-helpers": "promises and scheduling",
}


def _node_package(url: str, function: str) -> str:
    if "node_modules/" in url:
        parts = url.rsplit("node_modules/", 1)[1].split("/")
        return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    if url.startswith("node:"):
        return url
    return url.rsplit("/", 1)[-1] if url else function


def _node_frame(call_frame: dict[str, Any]) -> Frame:
    function = call_frame["functionName"] or "(anonymous)"
    package = _node_package(call_frame["url"], function)
    activity = NODE_ACTIVITIES.get(package) or NODE_ACTIVITIES.get(function)
    if activity is None:
        activity = "node runtime" if package.startswith("node:") else f"other ({package})"
    return Frame(
        function=function, package=package, activity=activity, plumbing=function in NODE_PLUMBING
    )


def summarize_cpuprofile(profile: dict[str, Any]) -> Profile:
    """A V8 .cpuprofile (a call tree, the sampled node of each sample and the time between)."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parents = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    frames_of: dict[int, list[Frame]] = {}

    def frames(node_id: int) -> list[Frame]:
        if node_id not in frames_of:
            parent = parents.get(node_id)
            above = frames(parent) if parent is not None else []
            frames_of[node_id] = [*above, _node_frame(nodes[node_id]["callFrame"])]
        return frames_of[node_id]

    # Weighted by the time each sample stands for (microseconds).
    weights: Counter[int] = Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        weights[node_id] += max(delta, 0)
    return summarize((frames(node_id), weight) for node_id, weight in weights.items())


def profile_node(pid: int, run_load: Callable[[], object]) -> dict[str, Any]:
    """V8's CPU profile of the node process `pid` while `run_load()` runs.

    SIGUSR1 opens node's inspector on 127.0.0.1:9229 (no change to how the router is started);
    the profile is taken over the inspector protocol and the inspector closed again.
    """
    from websockets.sync.client import connect  # installed with uvicorn[standard]

    os.kill(pid, signal.SIGUSR1)
    targets: list[dict[str, Any]] = []
    for _ in range(50):
        try:
            with urllib.request.urlopen(f"{INSPECTOR_URL}/json/list", timeout=2) as response:  # noqa: S310
                targets = json.load(response)
            break
        except OSError:
            time.sleep(0.1)
    if len(targets) != 1:
        raise RuntimeError(f"expected node's inspector on {INSPECTOR_URL}, found {targets}")
    with connect(targets[0]["webSocketDebuggerUrl"], max_size=None) as inspector:
        message_ids = iter(range(1, 1_000_000))

        def call(method: str, **params: object) -> dict[str, Any]:
            message_id = next(message_ids)
            inspector.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                message = json.loads(inspector.recv())
                if message.get("id") == message_id:
                    return message.get("result", {})

        # Port 9229 is node's default: make sure the inspector there is the router's.
        answer = call("Runtime.evaluate", expression="process.pid", returnByValue=True)
        if answer.get("result", {}).get("value") != pid:
            raise RuntimeError(f"the inspector on {INSPECTOR_URL} is not process {pid}'s")
        call("Profiler.enable")
        call("Profiler.setSamplingInterval", interval=500)
        call("Profiler.start")
        try:
            run_load()
        finally:
            profile = call("Profiler.stop")["profile"]
            call("Profiler.disable")
            # Close the inspector: nothing should stay listening after the profile.
            close = {"expression": "process._debugEnd()"}
            inspector.send(json.dumps({"id": 0, "method": "Runtime.evaluate", "params": close}))
    return profile
