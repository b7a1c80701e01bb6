"""Purging a deleted user's posts: batched, resumable, idempotent, nobody else's posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.models import DeletedUser, Post
from posts.services import deleted_user_posts_purge, deleted_user_record

pytestmark = pytest.mark.django_db


def test_deletes_every_post_of_the_user_and_no_one_elses(make_post, alice, bob):
    for number in range(5):
        make_post(alice, f"Alice {number}")
    bobs = make_post(bob, "Bob's")

    deleted = deleted_user_posts_purge(user_id=alice.user_id, batch_size=2)

    assert deleted == 5
    assert not Post.including_deleted_authors.filter(user_id=alice.user_id).exists()
    assert list(Post.objects.all()) == [bobs]
    assert DeletedUser.objects.filter(user_id=alice.user_id).exists()


def test_each_batch_is_its_own_transaction(make_post, alice):
    for number in range(5):
        make_post(alice, f"Alice {number}")

    with CaptureQueriesContext(connection) as queries:
        deleted_user_posts_purge(user_id=alice.user_id, batch_size=2)

    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    # The tombstone; per batch of 2 (3 batches) its ids read, then deleted in a transaction of
    # its own (a savepoint inside the test's); and the final read that finds nothing.
    batch = ["SELECT", "SAVEPOINT", "DELETE", "RELEASE"]
    assert statements == ["INSERT", *batch * 3, "SELECT"]


def test_a_purge_interrupted_half_way_finishes_when_called_again(make_post, alice):
    for number in range(4):
        make_post(alice, f"Alice {number}")
    # What an interrupted purge leaves: the tombstone, some batches deleted, the rest not.
    deleted_user_record(user_id=alice.user_id)
    Post.including_deleted_authors.filter(
        id__in=Post.including_deleted_authors.filter(user_id=alice.user_id).values("id")[:2]
    ).delete()

    assert deleted_user_posts_purge(user_id=alice.user_id) == 2
    assert not Post.including_deleted_authors.filter(user_id=alice.user_id).exists()


def test_repeating_a_purge_changes_nothing(make_post, alice):
    make_post(alice)
    deleted_user_posts_purge(user_id=alice.user_id)

    assert deleted_user_posts_purge(user_id=alice.user_id) == 0
    assert DeletedUser.objects.filter(user_id=alice.user_id).count() == 1


def test_recording_a_user_twice_keeps_one_tombstone(alice):
    deleted_user_record(user_id=alice.user_id)
    deleted_user_record(user_id=alice.user_id)

    assert DeletedUser.objects.filter(user_id=alice.user_id).count() == 1
