"""Running background tasks safely: tasks a dead worker left running are queued again.

django-tasks-db marks a task RUNNING when a worker claims it and FAILED or SUCCESSFUL when the
task returns; a worker killed in between (SIGKILL, out of memory, a lost machine) leaves it
RUNNING for ever, and the library never runs it again. `abandoned_tasks_requeue` puts such tasks
back in the queue once they have run longer than any task can (TASK_ABANDONED_AFTER_SECONDS);
`manage.py task_worker` calls it on start and then periodically. A task queued again may run
twice, so every task must be idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def abandoned_tasks_requeue(*, older_than_seconds: float | None = None) -> int:
    """Queue again the tasks RUNNING for longer than `older_than_seconds` (by default
    TASK_ABANDONED_AFTER_SECONDS); how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if older_than_seconds is None:
        older_than_seconds = settings.TASK_ABANDONED_AFTER_SECONDS
    started_before = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    requeued = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=started_before)
        .update(status=TaskResultStatus.READY)
    )
    if requeued:
        logger.warning("Queued again %d task(s) whose worker stopped while running them", requeued)
    return requeued


class AbandonedTaskSweeper(threading.Thread):
    """Calls `abandoned_tasks_requeue` every `interval_seconds` beside the worker's loop, the
    first time one interval after it starts (the worker sweeps once itself before its loop)."""

    def __init__(self, *, interval_seconds: float) -> None:
        super().__init__(name="abandoned-task-sweeper", daemon=True)
        self.interval_seconds = interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval_seconds):
            self.sweep()

    def sweep(self) -> None:
        try:
            abandoned_tasks_requeue()
            heartbeat_touch()
        except DatabaseError as error:
            # A locked SQLite file or a database restarting: the next sweep tries again.
            logger.warning("Could not check for abandoned tasks: %s", error)
        finally:
            close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


def heartbeat_file() -> Path:
    """TASK_WORKER_HEARTBEAT_FILE, by default `task-worker-heartbeat` in the temporary folder
    (subgraph_kit/container/worker_healthcheck.py reads the same)."""
    return Path(
        os.environ.get("TASK_WORKER_HEARTBEAT_FILE")
        or Path(tempfile.gettempdir()) / "task-worker-heartbeat"
    )


def heartbeat_touch() -> None:
    """The worker is alive and reaches its database. A worker serves no HTTP for a health check
    to ask: compose's check reads this file's age instead."""
    heartbeat_file().touch()
