"""`deletePost`: deletes one of the viewer's posts and returns its id."""

import uuid

from posts.models import Post
from subgraph_kit.testing import error_codes

DELETE_POST = "mutation DeletePost($id: ID!) { deletePost(id: $id) }"


def test_deletes_the_viewers_post(graphql, make_post, alice):
    post = make_post(alice)
    other = make_post(alice, "Other")

    body = graphql(DELETE_POST, {"id": str(post.id)}, as_person=alice)

    assert body == {"data": {"deletePost": str(post.id)}}
    assert list(Post.objects.all()) == [other]


def test_someone_elses_post_is_not_found_and_kept(graphql, make_post, alice, bob, staff):
    bobs_post = make_post(bob)

    for intruder in (alice, staff):
        body = graphql(DELETE_POST, {"id": str(bobs_post.id)}, as_person=intruder)
        assert error_codes(body) == ["NOT_FOUND"]
        assert body["data"] is None
    assert Post.objects.filter(id=bobs_post.id).exists()


def test_deleting_twice_is_not_found_the_second_time(graphql, make_post, alice):
    post = make_post(alice)
    graphql(DELETE_POST, {"id": str(post.id)}, as_person=alice)

    body = graphql(DELETE_POST, {"id": str(post.id)}, as_person=alice)

    assert error_codes(body) == ["NOT_FOUND"]


def test_a_missing_post_is_not_found(graphql, alice):
    body = graphql(DELETE_POST, {"id": str(uuid.uuid4())}, as_person=alice)

    assert error_codes(body) == ["NOT_FOUND"]


def test_an_id_that_is_not_a_uuid_is_bad_user_input(graphql, alice):
    assert error_codes(graphql(DELETE_POST, {"id": "1"}, as_person=alice)) == ["BAD_USER_INPUT"]


def test_requires_a_token(graphql, make_post, alice):
    post = make_post(alice)

    assert error_codes(graphql(DELETE_POST, {"id": str(post.id)})) == ["UNAUTHENTICATED"]
    assert Post.objects.filter(id=post.id).exists()
