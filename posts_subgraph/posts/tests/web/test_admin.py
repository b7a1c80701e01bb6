"""The admin at /admin/ lists, filters and edits posts."""

import uuid

import pytest

from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts():
    return [
        Post.objects.create(user_id=uuid.uuid4(), title="First post"),
        Post.objects.create(user_id=uuid.uuid4(), title="Second post"),
    ]


def test_lists_posts(admin_client, posts):
    response = admin_client.get("/admin/posts/post/")

    assert response.status_code == 200
    assert b"First post" in response.content
    assert b"Second post" in response.content


def test_filters_and_searches_posts(admin_client, posts):
    by_owner = admin_client.get("/admin/posts/post/", {"q": str(posts[1].user_id)})
    by_date = admin_client.get("/admin/posts/post/", {"created__gte": posts[0].created.isoformat()})

    assert b"Second post" in by_owner.content
    assert b"First post" not in by_owner.content
    assert by_date.status_code == 200
    assert b"First post" in by_date.content


def test_edits_a_post(admin_client, posts):
    post = posts[0]

    response = admin_client.post(
        f"/admin/posts/post/{post.id}/change/",
        {"user_id": str(post.user_id), "title": "Edited", "description": "By staff"},
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.description) == ("Edited", "By staff")


def test_requires_a_staff_login(client, posts):
    response = client.get("/admin/posts/post/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
