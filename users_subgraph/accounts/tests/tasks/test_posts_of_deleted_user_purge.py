"""The purge task: asks posts to delete a deleted user's posts, retrying with a growing delay
until posts answers; run by `manage.py task_worker`, which also recovers abandoned runs."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.posts_client import PostsServiceUnavailable
from accounts.tasks import (
    PURGE_RETRY_DELAY_MAX_SECONDS,
    posts_of_deleted_user_purge,
    purge_retry_delay,
)
from subgraph_kit.tasks import abandoned_tasks_requeue

pytestmark = pytest.mark.django_db
USER_ID = str(uuid.uuid4())


def run_queued_tasks() -> None:
    call_command("task_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def test_asks_posts_to_purge_and_returns_how_many_it_deleted(posts_service) -> None:
    posts_service.deleted_posts = 7

    assert posts_of_deleted_user_purge.call(user_id=USER_ID) == 7
    assert posts_service.paths == [f"/internal/deleted-users/{USER_ID}/posts"]
    assert not DBTaskResult.objects.exists()


def test_when_posts_fails_the_next_attempt_is_queued_later(posts_service) -> None:
    posts_service.status = 503
    before = timezone.now()

    with pytest.raises(PostsServiceUnavailable):
        posts_of_deleted_user_purge.call(user_id=USER_ID, attempt=2)

    retry = DBTaskResult.objects.get()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs == {"args": [], "kwargs": {"user_id": USER_ID, "attempt": 3}}
    assert retry.run_after >= before + dt.timedelta(seconds=4)


def test_when_posts_is_unreachable_the_next_attempt_is_queued(posts_service_down) -> None:
    with pytest.raises(PostsServiceUnavailable):
        posts_of_deleted_user_purge.call(user_id=USER_ID)

    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"user_id": USER_ID, "attempt": 1}


def test_the_delay_doubles_up_to_a_maximum() -> None:
    delays = [purge_retry_delay(attempt).total_seconds() for attempt in (0, 1, 2, 5, 6, 100)]

    assert delays == [1, 2, 4, 32, PURGE_RETRY_DELAY_MAX_SECONDS, PURGE_RETRY_DELAY_MAX_SECONDS]


# The worker closes connections between tasks, which a test's transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_purge(posts_service) -> None:
    posts_service.deleted_posts = 3
    result = posts_of_deleted_user_purge.enqueue(user_id=USER_ID)

    run_queued_tasks()

    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value == 3
    assert posts_service.paths == [f"/internal/deleted-users/{USER_ID}/posts"]


# The worker closes connections between tasks, which a test's transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_again_a_purge_a_dead_worker_left_running(posts_service, settings) -> None:
    # What a worker killed in the middle of the task leaves: the task claimed, never finished.
    abandoned = posts_of_deleted_user_purge.enqueue(user_id=USER_ID).db_result
    abandoned.claim("a-worker-that-was-killed")
    DBTaskResult.objects.filter(id=abandoned.id).update(
        started_at=timezone.now() - dt.timedelta(seconds=settings.TASK_ABANDONED_AFTER_SECONDS + 1)
    )

    run_queued_tasks()

    assert DBTaskResult.objects.get(id=abandoned.id).status == TaskResultStatus.SUCCESSFUL
    assert len(posts_service.requests) == 1


def test_a_task_running_for_less_than_the_limit_is_left_alone(settings) -> None:
    running = posts_of_deleted_user_purge.enqueue(user_id=USER_ID).db_result
    running.claim("a-live-worker")
    DBTaskResult.objects.filter(id=running.id).update(
        started_at=timezone.now() - dt.timedelta(seconds=settings.TASK_ABANDONED_AFTER_SECONDS - 5)
    )

    assert abandoned_tasks_requeue() == 0
    assert abandoned_tasks_requeue(older_than_seconds=1) == 1
    assert DBTaskResult.objects.get(id=running.id).status == TaskResultStatus.READY
