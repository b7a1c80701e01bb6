"""`python manage.py task_worker`: django-tasks-db's `db_worker`, which runs the queued tasks,
plus a sweep that queues again the tasks a killed worker left running (subgraph_kit.tasks), and
a worker that outlives a database outage.

Takes `db_worker`'s options (`--interval`, `--batch`, `--max-tasks`, ...). Run one or more per
service that has tasks (docs/deploy.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from subgraph_kit.tasks import AbandonedTaskSweeper

logger = logging.getLogger(__name__)

# The sweep runs this often at most, and at least twice per TASK_ABANDONED_AFTER_SECONDS.
SWEEP_INTERVAL_MAX_SECONDS = 60.0
# After a database error the worker starts again after 1 s, then 2, 4, ... up to this.
RESTART_DELAY_MAX_SECONDS = 30.0
# A run that lasted this long was healthy: the next failure waits 1 s again.
HEALTHY_RUN_SECONDS = 60.0


class Command(DatabaseWorkerCommand):
    help = (
        "Run the queued background tasks (django-tasks-db's db_worker), and queue again those "
        "a stopped worker left running."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Never under the autoreloader (db_worker's default with DEBUG on): it runs the loop in a
        # daemon thread, where a database error would end the loop and leave the process idle.
        options["reload"] = False
        sweeper = AbandonedTaskSweeper(
            interval_seconds=min(
                SWEEP_INTERVAL_MAX_SECONDS, settings.TASK_ABANDONED_AFTER_SECONDS / 2
            )
        )
        # One sweep before the first task, so a task a dead worker left is run now (sweep()
        # logs a database that is down instead of raising); the thread sweeps every interval.
        sweeper.sweep()
        sweeper.start()
        try:
            self._run_until_stopped(*args, **options)
        finally:
            sweeper.stop()

    def _run_until_stopped(self, *args: Any, **options: Any) -> None:
        """db_worker's loop, started again after a database error instead of exiting.

        The library's loop gives up on any database error but a locked SQLite file: a restart or
        failover of PostgreSQL would end the process, and with it `make up` (whose processes stop
        together) or, under an orchestrator, the tasks until a restart. A task the error
        interrupted stays RUNNING and is queued again by the sweep. SIGTERM/SIGINT still stop
        the worker at once between tasks (the library's handlers exit the process).
        """
        delay = 1.0
        while True:
            started = time.monotonic()
            try:
                super().handle(*args, **options)
                return
            except DatabaseError as error:
                if options.get("batch"):
                    raise
                if time.monotonic() - started >= HEALTHY_RUN_SECONDS:
                    delay = 1.0
                logger.warning(
                    "The database failed the task worker (%s); starting again in %.0f s",
                    error,
                    delay,
                )
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, RESTART_DELAY_MAX_SECONDS)
