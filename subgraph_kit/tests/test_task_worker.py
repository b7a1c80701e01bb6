"""`manage.py task_worker` survives database errors (a PostgreSQL restart) instead of exiting."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import OperationalError

from subgraph_kit.management.commands import task_worker


@pytest.fixture
def worker_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """db_worker's loop replaced by a script of outcomes; the sweep and the sleeps by no-ops."""
    outcomes = ["database down", "database down", "stopped"]
    runs: list[str] = []

    def run_once(self, *args, **options) -> None:
        assert options["reload"] is False
        outcome = outcomes.pop(0)
        runs.append(outcome)
        if outcome == "database down":
            raise OperationalError("connection refused")

    monkeypatch.setattr(task_worker.DatabaseWorkerCommand, "handle", run_once)
    monkeypatch.setattr(task_worker.AbandonedTaskSweeper, "start", lambda self: None)
    monkeypatch.setattr(task_worker.AbandonedTaskSweeper, "sweep", lambda self: None)
    monkeypatch.setattr(task_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(task_worker.time, "sleep", lambda seconds: runs.append(f"sleep {seconds}"))
    return runs


def test_a_database_error_restarts_the_loop_with_a_growing_delay(worker_runs, settings) -> None:
    settings.TASK_ABANDONED_AFTER_SECONDS = 300
    # With DEBUG on, db_worker would run under the autoreloader unless told --no-reload.
    settings.DEBUG = True
    call_command(task_worker.Command())
    assert worker_runs == [
        "database down",
        "sleep 1.0",
        "database down",
        "sleep 2.0",
        "stopped",
    ]


def test_in_batch_mode_a_database_error_ends_the_worker(worker_runs, settings) -> None:
    settings.TASK_ABANDONED_AFTER_SECONDS = 300
    with pytest.raises(OperationalError):
        call_command(task_worker.Command(), "--no-reload", "--batch")


def test_a_sweep_that_reaches_the_database_touches_the_heartbeat(tmp_path, monkeypatch) -> None:
    from subgraph_kit import tasks

    heartbeat = tmp_path / "heartbeat"
    monkeypatch.setenv("TASK_WORKER_HEARTBEAT_FILE", str(heartbeat))
    monkeypatch.setattr(tasks, "abandoned_tasks_requeue", lambda: 0)
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)
    tasks.AbandonedTaskSweeper(interval_seconds=60).sweep()
    assert heartbeat.exists()

    heartbeat.unlink()

    def database_down() -> int:
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks, "abandoned_tasks_requeue", database_down)
    tasks.AbandonedTaskSweeper(interval_seconds=60).sweep()
    assert not heartbeat.exists()
