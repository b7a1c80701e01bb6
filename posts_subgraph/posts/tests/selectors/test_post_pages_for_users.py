"""The batched page of several users' posts that `User.posts` reads through a DataLoader."""

import uuid

import pytest
from asgiref.sync import async_to_sync

from posts.models import Post
from posts.pagination import PageRequest, Position
from posts.selectors import post_counts_for_users, post_pages_for_users

pytestmark = pytest.mark.django_db


def pages_for(user_ids, first, after=None):
    return async_to_sync(post_pages_for_users)(
        user_ids=user_ids, page_request=PageRequest(first=first, after=after)
    )


def titles(page):
    return [post.title for post in page.posts]


def test_each_user_gets_their_own_first_posts():
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for title in "dcba":
        Post.objects.create(user_id=alice, title=title)
    Post.objects.create(user_id=bob, title="only")

    pages = pages_for([alice, bob, carol], first=2)

    assert titles(pages[alice]) == ["a", "b"]
    assert pages[alice].has_next_page is True
    assert titles(pages[bob]) == ["only"]
    assert pages[bob].has_next_page is False
    assert titles(pages[carol]) == []


def test_counts_every_users_posts_in_one_query(django_assert_num_queries):
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for title in "dcba":
        Post.objects.create(user_id=alice, title=title)
    Post.objects.create(user_id=bob, title="only")

    with django_assert_num_queries(1):
        counts = async_to_sync(post_counts_for_users)(user_ids=[alice, bob, carol])

    assert counts == {alice: 4, bob: 1, carol: 0}


def test_continues_after_a_position_in_every_users_list():
    alice, bob = uuid.uuid4(), uuid.uuid4()
    for title in "ac":
        Post.objects.create(user_id=alice, title=title)
        Post.objects.create(user_id=bob, title=title)
    # Equal titles are ordered by id: the page continues after the middle "b", not after all.
    _, middle_b, last_b = sorted(
        (Post.objects.create(user_id=alice, title="b") for _ in range(3)), key=lambda p: p.id
    )

    pages = pages_for([alice, bob], first=10, after=Position.of(middle_b))

    assert [post.id for post in pages[alice].posts] == [
        last_b.id,
        Post.objects.get(user_id=alice, title="c").id,
    ]
    assert titles(pages[bob]) == ["c"]
    assert pages[alice].has_previous_page is True
