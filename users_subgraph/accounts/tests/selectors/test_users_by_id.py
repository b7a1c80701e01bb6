"""The batch read behind `_entities`: users by id, in one query whatever the batch."""

from __future__ import annotations

import uuid

import pytest

from accounts.selectors import users_by_id
from subgraph_kit.pagination import MAX_PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("unknown_ids", [1, MAX_PAGE_SIZE + 1])
def test_finds_the_known_ids_in_one_query(create_user, django_assert_num_queries, unknown_ids):
    # Up to MAX_PAGE_SIZE ids reuse a compiled query; a larger batch is compiled for itself.
    known = [create_user(email=f"user{index}@example.com") for index in range(2)]
    user_ids = [user.id for user in known] + [uuid.uuid4() for _ in range(unknown_ids)]

    with django_assert_num_queries(1):
        found = users_by_id(user_ids=user_ids)

    assert found == {user.id: user for user in known}


def test_an_id_asked_twice_is_read_once(user):
    assert users_by_id(user_ids=[user.id, user.id]) == {user.id: user}


def test_no_ids_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert users_by_id(user_ids=[]) == {}
