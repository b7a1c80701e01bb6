"""`python manage.py task_worker`: django-tasks-db's `db_worker`, which runs the queued tasks,
plus a sweep that queues again the tasks a killed worker left running (subgraph_kit.tasks).

Takes `db_worker`'s options (`--interval`, `--batch`, `--max-tasks`, ...). Run one or more per
service that has tasks (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from subgraph_kit.tasks import AbandonedTaskSweeper, abandoned_tasks_requeue

# The sweep runs this often at most, and at least twice per TASK_ABANDONED_AFTER_SECONDS.
SWEEP_INTERVAL_MAX_SECONDS = 60.0


class Command(DatabaseWorkerCommand):
    help = (
        "Run the queued background tasks (django-tasks-db's db_worker), and queue again those "
        "a stopped worker left running."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        abandoned_tasks_requeue()
        sweeper = AbandonedTaskSweeper(
            interval_seconds=min(
                SWEEP_INTERVAL_MAX_SECONDS, settings.TASK_ABANDONED_AFTER_SECONDS / 2
            )
        )
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stop()
