"""Every selector leaves out the posts of users recorded as deleted, within its one query."""

import uuid

import pytest
from asgiref.sync import async_to_sync

from posts.models import Post
from posts.pagination import PageRequest
from posts.selectors import (
    post_counts_for_users,
    post_get_for_owner,
    post_list,
    post_map_for_owner,
    post_pages_for_users,
)
from posts.services import deleted_user_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleted_and_live():
    """A deleted user's post and a live user's post."""
    deleted, live = uuid.uuid4(), uuid.uuid4()
    gone = Post.objects.create(user_id=deleted, title="gone")
    kept = Post.objects.create(user_id=live, title="kept")
    deleted_user_record(user_id=deleted)
    return deleted, live, gone, kept


def test_lists_and_counts_leave_them_out(deleted_and_live, django_assert_num_queries):
    deleted, live, _, kept = deleted_and_live

    with django_assert_num_queries(3):
        every = list(post_list())
        authored = list(post_list(author_id=deleted))
        counts = async_to_sync(post_counts_for_users)(user_ids=[deleted, live])

    assert every == [kept]
    assert authored == []
    assert counts == {deleted: 0, live: 1}


def test_batched_pages_leave_them_out(deleted_and_live, django_assert_num_queries):
    deleted, live, _, kept = deleted_and_live

    with django_assert_num_queries(1):
        pages = async_to_sync(post_pages_for_users)(
            user_ids=[deleted, live], page_request=PageRequest(first=10, after=None)
        )

    assert pages[deleted].posts == []
    assert pages[live].posts == [kept]


def test_single_and_mapped_reads_find_nothing(deleted_and_live):
    deleted, _, gone, _ = deleted_and_live

    found = async_to_sync(post_get_for_owner)(post_id=gone.id, user_id=deleted)
    mapped = async_to_sync(post_map_for_owner)(post_ids=[gone.id], user_id=deleted)

    assert found is None
    assert mapped == {}


def test_the_purge_still_reaches_them(deleted_and_live):
    deleted, _, gone, _ = deleted_and_live

    assert list(Post.including_deleted_authors.filter(user_id=deleted)) == [gone]


def test_the_visible_posts_nested_in_another_query_leave_them_out(deleted_and_live):
    # Nested, the post table gets another alias (U0): the anti-join must follow it.
    _, _, _, kept = deleted_and_live

    nested = Post.including_deleted_authors.filter(id__in=Post.objects.values("id"))

    assert list(nested) == [kept]
    assert list(Post.including_deleted_authors.order_by("title")) != [kept]
