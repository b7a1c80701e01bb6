import uuid

import pytest

from posts.models import Post
from posts.services import post_delete
from subgraph_kit.errors import NotFound

pytestmark = pytest.mark.django_db


def test_deletes_the_owners_post_and_returns_its_id():
    post = Post.objects.create(user_id=uuid.uuid4(), title="Title")

    assert post_delete(post_id=post.id, user_id=post.user_id) == post.id
    assert not Post.objects.exists()


def test_someone_elses_post_is_not_found_and_kept():
    post = Post.objects.create(user_id=uuid.uuid4(), title="Title")

    with pytest.raises(NotFound):
        post_delete(post_id=post.id, user_id=uuid.uuid4())

    assert Post.objects.filter(id=post.id).exists()


def test_a_missing_post_is_not_found():
    with pytest.raises(NotFound):
        post_delete(post_id=uuid.uuid4(), user_id=uuid.uuid4())
