import uuid

import pytest
from django.db import IntegrityError, transaction

from posts.models import DESCRIPTION_MAX_LENGTH, Post
from posts.services import post_create
from subgraph_kit.errors import BadUserInput, RateLimited

pytestmark = pytest.mark.django_db


def test_stores_the_trimmed_title_for_the_owner():
    owner_id = uuid.uuid4()

    post = post_create(user_id=owner_id, title="\t Title \n", description=" as sent ")

    post.refresh_from_db()
    assert (post.user_id, post.title, post.description) == (owner_id, "Title", " as sent ")
    assert post.created is not None


def test_description_defaults_to_none():
    assert post_create(user_id=uuid.uuid4(), title="Title").description is None


@pytest.mark.parametrize("title", ["", " \t\n ", "x" * 101, f" {'x' * 101} "])
def test_rejects_an_empty_or_too_long_title_and_stores_nothing(title):
    with pytest.raises(BadUserInput):
        post_create(user_id=uuid.uuid4(), title=title)

    assert not Post.objects.exists()


def test_accepts_100_characters():
    assert post_create(user_id=uuid.uuid4(), title="x" * 100).title == "x" * 100


def test_accepts_a_description_of_the_maximum_length():
    description = "d" * DESCRIPTION_MAX_LENGTH
    assert post_create(user_id=uuid.uuid4(), title="T", description=description).description


def test_rejects_a_longer_description_and_stores_nothing():
    with pytest.raises(BadUserInput, match=f"at most {DESCRIPTION_MAX_LENGTH} characters"):
        post_create(user_id=uuid.uuid4(), title="T", description="d" * (DESCRIPTION_MAX_LENGTH + 1))

    assert not Post.objects.exists()


def test_the_database_refuses_a_longer_description_whatever_writes_it():
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            user_id=uuid.uuid4(), title="T", description="d" * (DESCRIPTION_MAX_LENGTH + 1)
        )


def test_creations_are_limited_per_user_and_a_refusal_creates_nothing(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "POST_CREATE_PER_USER": {"count": 2, "window_seconds": 60},
    }
    owner_id = uuid.uuid4()
    post_create(user_id=owner_id, title="One")
    post_create(user_id=owner_id, title="Two")

    with pytest.raises(RateLimited) as refusal:
        post_create(user_id=owner_id, title="Three")

    assert refusal.value.retry_after_seconds > 0
    assert Post.objects.filter(user_id=owner_id).count() == 2
    # Each user has their own count.
    assert post_create(user_id=uuid.uuid4(), title="Other").title == "Other"


def test_a_creation_refused_for_its_input_still_counts(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "POST_CREATE_PER_USER": {"count": 1, "window_seconds": 60},
    }
    owner_id = uuid.uuid4()
    with pytest.raises(BadUserInput):
        post_create(user_id=owner_id, title="")

    with pytest.raises(RateLimited):
        post_create(user_id=owner_id, title="Valid")
