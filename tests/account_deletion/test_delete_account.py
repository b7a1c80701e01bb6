"""deleteAccount through the router, as a frontend calls it: the posts vanish from every query
at once, then from the posts database; a crash half-way through the purge delays it, never
stops it; repeating the deletion changes nothing."""

from __future__ import annotations

import time
import uuid

import httpx

from tests.account_deletion.conftest import TASK_ABANDONED_AFTER_SECONDS
from tests.account_deletion.posts_database import insert_posts, stored_post_count
from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import Stack

# Enough posts for a purge to take many batches (500 each, posts.services.PURGE_BATCH_SIZE), so a
# process can be killed while it runs.
MANY_POSTS = 40_000
USER_POSTS = """
query UserPosts($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { posts { totalCount edges { node { id } } } }
  }
}
"""


def new_account_with_posts(stack: Stack, titles: list[str]) -> tuple[str, uuid.UUID, list[str]]:
    """Sign up, create posts through the router; the access token, user id and post ids."""
    account = signup(stack)
    access = account["access"]
    post_ids = []
    for title in titles:
        created = call(stack, "CreatePost", {"input": {"title": title}}, access_token=access)
        assert "errors" not in created, created
        post_ids.append(created["data"]["createPost"]["id"])
    return access, uuid.UUID(account["user"]["id"]), post_ids


def delete_account(stack: Stack, access: str) -> dict:
    return call(stack, "DeleteAccount", {"password": PASSWORD}, access_token=access)


def wait_until(condition, *, timeout: float, interval: float = 0.05) -> float:
    """Seconds it took `condition()` to hold; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - started
        assert elapsed < timeout, f"still not true after {timeout}s"
        time.sleep(interval)
    return time.monotonic() - started


def staff_token(stack: Stack) -> str:
    email = f"staff-{uuid.uuid4().hex[:8]}@example.com"
    stack.create_superuser(email, PASSWORD)
    login = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    return login["data"]["login"]["access"]


def posts_subgraph_user_posts(stack: Stack, user_id: uuid.UUID, access: str) -> dict:
    """User.posts straight from the posts subgraph, as the router resolves it."""
    response = stack.graphql(
        USER_POSTS,
        {"representations": [{"__typename": "User", "id": str(user_id)}]},
        access_token=access,
        url=f"{stack.subgraph_url('posts')}/graphql",
        headers={"X-Router-Secret": stack.extra_env["ROUTER_SHARED_SECRET"]},
    )
    return response.json()


def test_posts_disappear_from_every_query_at_once_then_from_the_database(stack: Stack) -> None:
    access, user_id, post_ids = new_account_with_posts(stack, ["First", "Second"])
    staff = staff_token(stack)
    assert call(stack, "MyPosts", access_token=access)["data"]["myPosts"]["totalCount"] == 2

    assert delete_account(stack, access) == {"data": {"deleteAccount": True}}

    # At once: the next query, with the deleted user's still-valid access token or as staff.
    my_posts = call(stack, "MyPosts", access_token=access)
    assert (
        my_posts["data"]["myPosts"]
        == {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }
        or my_posts["data"]["myPosts"]["totalCount"] == 0
    ), my_posts
    for post_id in post_ids:
        assert call(stack, "Post", {"id": post_id}, access_token=access)["data"] == {"post": None}
    by_author = call(stack, "AllPosts", {"authorId": str(user_id)}, access_token=staff)
    assert by_author["data"]["posts"]["totalCount"] == 0
    every = call(stack, "AllPosts", {"first": 100}, access_token=staff)["data"]["posts"]
    assert not {edge["node"]["id"] for edge in every["edges"]} & set(post_ids)
    me_with_posts = call(stack, "MeWithPosts", access_token=access)
    assert error_codes(me_with_posts) == ["UNAUTHENTICATED"]
    assert not any(post_id in str(me_with_posts) for post_id in post_ids)
    for token in (access, staff):
        user_posts = posts_subgraph_user_posts(stack, user_id, token)
        assert user_posts["data"]["_entities"] == [{"posts": {"totalCount": 0, "edges": []}}]
    # The token cannot write either.
    created = call(stack, "CreatePost", {"input": {"title": "After"}}, access_token=access)
    assert error_codes(created) == ["UNAUTHENTICATED"]

    # Then from the database: the worker polls every 0.2 s here (1 s by default).
    wait_until(lambda: stored_post_count(stack, user_id) == 0, timeout=10)


def test_repeating_the_deletion_changes_nothing(stack: Stack) -> None:
    access, user_id, _ = new_account_with_posts(stack, ["Only"])
    email = call(stack, "Me", access_token=access)["data"]["me"]["email"]
    assert delete_account(stack, access) == {"data": {"deleteAccount": True}}

    again = delete_account(stack, access)

    assert error_codes(again) == ["UNAUTHENTICATED"]
    wait_until(lambda: stored_post_count(stack, user_id) == 0, timeout=10)
    login = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    assert error_codes(login) == ["UNAUTHENTICATED"]


def test_a_wrong_password_deletes_nothing(stack: Stack) -> None:
    access, user_id, _ = new_account_with_posts(stack, ["Kept"])

    refused = call(stack, "DeleteAccount", {"password": "not it"}, access_token=access)

    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert call(stack, "MyPosts", access_token=access)["data"]["myPosts"]["totalCount"] == 1
    assert stored_post_count(stack, user_id) == 1


def test_without_a_token_it_is_unauthenticated(stack: Stack) -> None:
    assert error_codes(call(stack, "DeleteAccount", {"password": PASSWORD})) == ["UNAUTHENTICATED"]


def test_the_internal_endpoints_are_not_reachable_through_the_router(stack: Stack) -> None:
    user_id = uuid.uuid4()
    for path in (f"/internal/deleted-users/{user_id}", f"/internal/deleted-users/{user_id}/posts"):
        through_router = httpx.post(f"{stack.router_url}{path}", timeout=10)
        without_secret = httpx.post(f"{stack.subgraph_url('posts')}{path}", timeout=10)

        assert through_router.status_code == 404, through_router.text
        assert without_secret.status_code == 403


def test_posts_killed_half_way_through_a_purge_finish_it_after_restart(stack: Stack) -> None:
    access, user_id, _ = new_account_with_posts(stack, [])
    insert_posts(stack, user_id, MANY_POSTS)

    assert delete_account(stack, access) == {"data": {"deleteAccount": True}}
    assert call(stack, "MyPosts", access_token=access)["data"]["myPosts"]["totalCount"] == 0
    # The purge has started (a batch is gone) and is not over: SIGKILL the process deleting.
    wait_until(lambda: stored_post_count(stack, user_id) < MANY_POSTS, timeout=20, interval=0.01)
    posts = stack.services["posts"]
    posts.kill()
    left = stored_post_count(stack, user_id)
    assert 0 < left < MANY_POSTS

    posts.start()
    posts.wait_until_healthy()

    # The worker's retry (1, 2, 4 s... apart while posts was down) finishes the purge.
    wait_until(lambda: stored_post_count(stack, user_id) == 0, timeout=60)
    assert call(stack, "MyPosts", access_token=access)["data"]["myPosts"]["totalCount"] == 0


def test_a_crash_of_worker_and_posts_half_way_is_recovered_after_restart(stack: Stack) -> None:
    access, user_id, _ = new_account_with_posts(stack, [])
    insert_posts(stack, user_id, MANY_POSTS)

    assert delete_account(stack, access) == {"data": {"deleteAccount": True}}
    # The whole machine goes down mid-purge: the worker, holding the task, and posts, deleting.
    wait_until(lambda: stored_post_count(stack, user_id) < MANY_POSTS, timeout=20, interval=0.01)
    worker, posts = stack.services["users-worker"], stack.services["posts"]
    worker.kill()
    posts.kill()
    assert 0 < stored_post_count(stack, user_id) < MANY_POSTS
    # The killed worker's task, still marked running (or already queued again, on a machine slow
    # enough for the purge to have run TASK_ABANDONED_AFTER_SECONDS before the kill).
    unfinished = stack.manage(
        "users",
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; "
        "print(sorted(task.status for task in DBTaskResult.objects.filter("
        f"args_kwargs__kwargs__user_id='{user_id}')))",
    )
    # ...beside the late purge (accounts.signals), queued for two minutes later.
    assert unfinished.splitlines()[-1] in ("['READY', 'RUNNING']", "['READY', 'READY']")

    posts.start()
    worker.start()
    posts.wait_until_healthy()

    # The restarted worker queues the abandoned task again once it has run longer than
    # TASK_ABANDONED_AFTER_SECONDS, and runs it: the purge finishes.
    took = wait_until(lambda: stored_post_count(stack, user_id) == 0, timeout=60)
    assert took < TASK_ABANDONED_AFTER_SECONDS + 30
