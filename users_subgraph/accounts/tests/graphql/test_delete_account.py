"""deleteAccount: needs the password; deletes the user and revokes their sessions in one
transaction that also queues the purge of their posts, then tells posts at once."""

from __future__ import annotations

from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from accounts import signals
from accounts.models import User
from accounts.services import WRONG_PASSWORD_MESSAGE, token_pair_issue
from accounts.tests.conftest import PASSWORD
from accounts.tests.operations import DELETE_ACCOUNT, LOGIN, ME, REFRESH_TOKEN
from subgraph_kit.testing import error_codes, execute_graphql

PURGE_TASK_PATH = "accounts.tasks.posts_of_deleted_user_purge"


def delete_account(graphql, access_token: str | None, password: str = PASSWORD) -> dict:
    return graphql(DELETE_ACCOUNT, {"password": password}, access_token=access_token)


def queued_purges() -> list[dict]:
    """The purges queued to run now (the late ones: late_purges)."""
    return [
        task.args_kwargs
        for task in DBTaskResult.objects.filter(task_path=PURGE_TASK_PATH, run_after=get_date_max())
    ]


def late_purges() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=PURGE_TASK_PATH).exclude(run_after=get_date_max())
    )


def test_deletes_the_user_queues_the_purge_and_tells_posts_at_once(
    client, user, tokens, posts_service, settings
) -> None:
    settings.ROUTER_SHARED_SECRET = "shared-with-posts"

    body = execute_graphql(
        client,
        DELETE_ACCOUNT,
        {"password": PASSWORD},
        access_token=tokens.access,
        headers={"X-Router-Secret": "shared-with-posts"},
    )

    assert body == {"data": {"deleteAccount": True}}
    assert not User.objects.filter(id=user.id).exists()
    assert queued_purges() == [{"args": [], "kwargs": {"user_id": str(user.id)}}]
    assert [(request.path, request.router_secret) for request in posts_service.requests] == [
        (f"/internal/deleted-users/{user.id}", "shared-with-posts")
    ]


def test_every_session_is_revoked_and_the_account_cannot_log_in(
    graphql, user, tokens, posts_service
) -> None:
    other_device = token_pair_issue(user=user)

    delete_account(graphql, tokens.access)

    for refresh in (tokens.refresh, other_device.refresh):
        assert error_codes(graphql(REFRESH_TOKEN, {"refresh": refresh})) == ["UNAUTHENTICATED"]
    login = graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD}})
    assert error_codes(login) == ["UNAUTHENTICATED"]
    assert error_codes(graphql(ME, access_token=tokens.access)) == ["UNAUTHENTICATED"]


def test_a_wrong_password_is_bad_user_input_and_changes_nothing(
    graphql, user, tokens, posts_service
) -> None:
    body = delete_account(graphql, tokens.access, password="not my password")

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == WRONG_PASSWORD_MESSAGE
    assert User.objects.filter(id=user.id).exists()
    assert queued_purges() == []
    assert posts_service.requests == []
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": tokens.refresh})


def test_wrong_passwords_count_as_failed_logins(graphql, user, tokens, posts_service) -> None:
    # A stolen access token must not let its holder guess the password without limit.
    failures = [delete_account(graphql, tokens.access, password=f"guess {n}") for n in range(5)]

    refused = delete_account(graphql, tokens.access)

    assert [error_codes(body) for body in failures] == [["BAD_USER_INPUT"]] * 5
    assert error_codes(refused) == ["RATE_LIMITED"]
    assert User.objects.filter(id=user.id).exists()


def test_needs_an_access_token(graphql, user, posts_service) -> None:
    assert error_codes(delete_account(graphql, None)) == ["UNAUTHENTICATED"]
    assert User.objects.filter(id=user.id).exists()


def test_a_second_purge_runs_after_any_racing_create_post_has_ended(
    graphql, user, tokens, posts_service
) -> None:
    # A createPost whose check passed just before the tombstone can store its post after the
    # first purge; the late purge deletes it.
    before = timezone.now()
    delete_account(graphql, tokens.access)

    [late] = late_purges()
    assert late.args_kwargs == {"args": [], "kwargs": {"user_id": str(user.id)}}
    assert late.run_after >= before + signals.LATE_PURGE_DELAY


def test_repeating_it_after_success_changes_nothing(graphql, user, tokens, posts_service) -> None:
    delete_account(graphql, tokens.access)

    again = delete_account(graphql, tokens.access)

    # The access token outlives the account by at most its lifetime; it identifies no one now.
    assert error_codes(again) == ["UNAUTHENTICATED"]
    assert len(queued_purges()) == 1
    assert len(posts_service.requests) == 1


def test_with_posts_down_the_account_is_still_deleted_and_the_purge_queued(
    graphql, user, tokens, posts_service_down
) -> None:
    body = delete_account(graphql, tokens.access)

    assert body == {"data": {"deleteAccount": True}}
    assert not User.objects.filter(id=user.id).exists()
    assert queued_purges() == [{"args": [], "kwargs": {"user_id": str(user.id)}}]


def test_when_the_purge_cannot_be_queued_the_account_is_not_deleted(
    graphql, user, tokens, posts_service, monkeypatch
) -> None:
    class UnqueueableTask:
        def enqueue(self, **kwargs: object) -> None:
            raise RuntimeError("the task table is gone")

    monkeypatch.setattr(signals, "posts_of_deleted_user_purge", UnqueueableTask())

    body = delete_account(graphql, tokens.access)

    assert body["data"] is None
    assert body["errors"][0]["message"] == "Unexpected error."
    assert User.objects.filter(id=user.id).exists()
    assert posts_service.requests == []
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": tokens.refresh})


def test_an_inactive_account_is_refused(graphql, user, tokens, posts_service) -> None:
    User.objects.filter(id=user.id).update(is_active=False)

    assert error_codes(delete_account(graphql, tokens.access)) == ["UNAUTHENTICATED"]
    assert User.objects.filter(id=user.id).exists()


def test_any_deletion_of_users_queues_the_purge_of_their_posts(create_user) -> None:
    # The admin's "delete" and a shell's queryset delete too, not only deleteAccount.
    users = [create_user(email=f"user{number}@example.com") for number in range(2)]

    User.objects.filter(id__in=[user.id for user in users]).delete()

    assert sorted(purge["kwargs"]["user_id"] for purge in queued_purges()) == sorted(
        str(user.id) for user in users
    )
