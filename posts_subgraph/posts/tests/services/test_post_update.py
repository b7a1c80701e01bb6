import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction

from posts.models import DESCRIPTION_MAX_LENGTH, Post
from posts.services import post_update
from subgraph_kit.errors import BadUserInput, NotFound, RateLimited

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return Post.objects.create(user_id=uuid.uuid4(), title="Title", description="Text")


def stored(post):
    post.refresh_from_db()
    return post.title, post.description


def test_leaves_out_fields_unchanged(post):
    post_update(post_id=post.id, user_id=post.user_id, title=" New ")
    assert stored(post) == ("New", "Text")

    post_update(post_id=post.id, user_id=post.user_id, description="Other")
    assert stored(post) == ("New", "Other")

    post_update(post_id=post.id, user_id=post.user_id)
    assert stored(post) == ("New", "Other")


def test_none_clears_the_description(post):
    updated = post_update(post_id=post.id, user_id=post.user_id, description=None)

    assert updated.description is None
    assert stored(post) == ("Title", None)


def test_returns_the_post_as_stored(post):
    updated = post_update(post_id=post.id, user_id=post.user_id, title=" Trimmed ")

    assert (updated.id, updated.title, updated.description) == (post.id, "Trimmed", "Text")


@pytest.mark.parametrize("title", [None, "", "   ", "x" * 101])
def test_an_invalid_title_changes_nothing(post, title):
    with pytest.raises(BadUserInput):
        post_update(post_id=post.id, user_id=post.user_id, title=title, description="Changed")

    assert stored(post) == ("Title", "Text")


def test_someone_elses_post_is_not_found(post):
    with pytest.raises(NotFound):
        post_update(post_id=post.id, user_id=uuid.uuid4(), title="Mine now")

    assert stored(post) == ("Title", "Text")


def test_a_missing_post_is_not_found():
    with pytest.raises(NotFound):
        post_update(post_id=uuid.uuid4(), user_id=uuid.uuid4(), title="Title")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks: it serialises all writers"
)
def test_waits_for_a_concurrent_update_and_returns_the_post_as_committed():
    owner_id = uuid.uuid4()
    post = Post.objects.create(user_id=owner_id, title="Title", description="old")
    first_holds_the_lock = threading.Event()

    def first_update() -> None:
        try:
            with transaction.atomic():
                locked = Post.objects.select_for_update().get(id=post.id)
                first_holds_the_lock.set()
                time.sleep(0.3)
                locked.description = "from the first update"
                locked.save(update_fields=["description"])
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_update)
    thread.start()
    assert first_holds_the_lock.wait(timeout=5)

    updated = post_update(post_id=post.id, user_id=owner_id, title="Second")
    thread.join(timeout=5)

    # Without the row lock it would have read "old" and answered with a state never committed.
    assert (updated.title, updated.description) == ("Second", "from the first update")
    assert stored(post) == ("Second", "from the first update")


def test_rejects_a_description_over_the_maximum_and_changes_nothing(post):
    with pytest.raises(BadUserInput, match=f"at most {DESCRIPTION_MAX_LENGTH} characters"):
        post_update(
            post_id=post.id, user_id=post.user_id, description="d" * (DESCRIPTION_MAX_LENGTH + 1)
        )

    assert stored(post) == ("Title", "Text")


def test_updates_are_limited_per_user_even_when_they_fail(settings, post):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "POST_UPDATE_PER_USER": {"count": 2, "window_seconds": 60},
    }
    post_update(post_id=post.id, user_id=post.user_id, title="One")
    with pytest.raises(NotFound):
        post_update(post_id=uuid.uuid4(), user_id=post.user_id, title="Missing")

    with pytest.raises(RateLimited):
        post_update(post_id=post.id, user_id=post.user_id, title="Three")

    assert stored(post) == ("One", "Text")
