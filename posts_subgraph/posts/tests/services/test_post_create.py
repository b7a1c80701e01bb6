import uuid

import pytest

from posts.models import Post
from posts.services import post_create
from subgraph_kit.errors import BadUserInput

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
