"""The harness's process control, on real processes."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.processes import paused


def state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def wait_for_state(pid: int, expected: str) -> str:
    # Signals are delivered asynchronously: allow the kernel a moment.
    deadline = time.monotonic() + 5
    while state(pid) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return state(pid)


def test_paused_stops_the_process_groups_for_the_block_only() -> None:
    # A process group of its own, as the stack's services (a task worker) have.
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        with paused([sleeper.pid]):
            assert wait_for_state(sleeper.pid, "T") == "T"
        assert wait_for_state(sleeper.pid, "S") == "S"
    finally:
        sleeper.kill()
        sleeper.wait()
