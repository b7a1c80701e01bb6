"""The internal endpoints the users service calls when an account is deleted: POST only, and
behind the router's shared secret like every other subgraph path."""

import uuid

import pytest

from posts.models import DeletedUser, Post

pytestmark = pytest.mark.django_db

SECRET = "router-and-users-only"


@pytest.fixture
def with_router_secret(settings):
    settings.ROUTER_SHARED_SECRET = SECRET


def test_recording_a_deleted_user_hides_their_posts(client, make_post, alice, with_router_secret):
    make_post(alice)

    response = client.post(
        f"/internal/deleted-users/{alice.id}", headers={"X-Router-Secret": SECRET}
    )

    assert response.status_code == 200
    assert response.json() == {"userId": alice.id}
    assert DeletedUser.objects.filter(user_id=alice.user_id).exists()
    assert not Post.objects.filter(user_id=alice.user_id).exists()
    assert Post.including_deleted_authors.filter(user_id=alice.user_id).count() == 1


def test_purging_deletes_the_posts_and_says_how_many(
    client, make_post, alice, bob, with_router_secret
):
    make_post(alice)
    make_post(alice)
    make_post(bob)
    path = f"/internal/deleted-users/{alice.id}/posts"

    first = client.post(path, headers={"X-Router-Secret": SECRET})
    again = client.post(path, headers={"X-Router-Secret": SECRET})

    assert first.status_code == again.status_code == 200
    assert first.json() == {"userId": alice.id, "deletedPosts": 2}
    assert again.json() == {"userId": alice.id, "deletedPosts": 0}
    assert Post.including_deleted_authors.count() == 1


@pytest.mark.parametrize("suffix", ["", "/posts"])
def test_refused_without_the_secret(client, make_post, alice, with_router_secret, suffix):
    make_post(alice)

    response = client.post(f"/internal/deleted-users/{alice.id}{suffix}")

    assert response.status_code == 403
    assert not DeletedUser.objects.exists()
    assert Post.objects.count() == 1


@pytest.mark.parametrize("suffix", ["", "/posts"])
def test_only_post_is_allowed(client, alice, suffix):
    response = client.get(f"/internal/deleted-users/{alice.id}{suffix}")

    assert response.status_code == 405
    assert not DeletedUser.objects.exists()


def test_a_user_id_must_be_a_uuid(client):
    assert client.post("/internal/deleted-users/not-a-uuid").status_code == 404
    assert client.post(f"/internal/deleted-users/{uuid.uuid4()}x/posts").status_code == 404
