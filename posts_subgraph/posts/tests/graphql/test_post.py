"""`post(id)`: the viewer's post, or null without telling whether someone else's exists."""

import uuid

from subgraph_kit.testing import error_codes

POST = """
query Post($id: ID!) {
  post(id: $id) { id title description created author { id } }
}
"""


def test_returns_the_viewers_post(graphql, make_post, alice):
    post = make_post(alice, "Mine", "details")

    body = graphql(POST, {"id": str(post.id)}, as_person=alice)

    assert body == {
        "data": {
            "post": {
                "id": str(post.id),
                "title": "Mine",
                "description": "details",
                "created": post.created.isoformat(),
                "author": {"id": alice.id},
            }
        }
    }


def test_someone_elses_post_is_null_like_a_missing_one(graphql, make_post, alice, bob):
    bobs_post = make_post(bob, "Bob's")

    someone_elses = graphql(POST, {"id": str(bobs_post.id)}, as_person=alice)
    missing = graphql(POST, {"id": str(uuid.uuid4())}, as_person=alice)

    assert someone_elses == missing == {"data": {"post": None}}


def test_staff_reads_only_their_own_posts_by_id_too(graphql, make_post, alice, staff):
    post = make_post(alice, "Alice's")

    assert graphql(POST, {"id": str(post.id)}, as_person=staff) == {"data": {"post": None}}


def test_an_id_that_is_not_a_uuid_is_bad_user_input(graphql, alice):
    body = graphql(POST, {"id": "42"}, as_person=alice)

    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_requires_a_token(graphql, make_post, alice):
    post = make_post(alice)

    body = graphql(POST, {"id": str(post.id)})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] == {"post": None}
