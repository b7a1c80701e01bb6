"""The compose health check of a task worker: healthy while the heartbeat file is fresh."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

CHECK = Path(__file__).resolve().parents[1] / "container" / "worker_healthcheck.py"


def check(heartbeat: Path) -> int:
    environment = {**os.environ, "TASK_WORKER_HEARTBEAT_FILE": str(heartbeat)}
    return subprocess.run([sys.executable, str(CHECK)], env=environment).returncode


def test_fresh_heartbeat_is_healthy_stale_or_missing_is_not(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    assert check(heartbeat) == 1
    heartbeat.touch()
    assert check(heartbeat) == 0
    an_hour_ago = time.time() - 3600
    os.utime(heartbeat, (an_hour_ago, an_hour_ago))
    assert check(heartbeat) == 1
