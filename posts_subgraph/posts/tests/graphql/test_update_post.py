"""`updatePost`: a partial update of one of the viewer's posts."""

import uuid

import pytest

from subgraph_kit.testing import error_codes

UPDATE_POST = """
mutation UpdatePost($id: ID!, $input: UpdatePostInput!) {
  updatePost(id: $id, input: $input) { id title description }
}
"""


def update(graphql, person, post_id, changes):
    return graphql(UPDATE_POST, {"id": str(post_id), "input": changes}, as_person=person)


def test_changes_only_the_given_title(graphql, make_post, alice):
    post = make_post(alice, "Old", "kept")

    body = update(graphql, alice, post.id, {"title": " New "})

    assert body["data"]["updatePost"] == {"id": str(post.id), "title": "New", "description": "kept"}
    post.refresh_from_db()
    assert (post.title, post.description) == ("New", "kept")


def test_changes_only_the_given_description(graphql, make_post, alice):
    post = make_post(alice, "Kept", "old")

    body = update(graphql, alice, post.id, {"description": "new"})

    assert body["data"]["updatePost"]["title"] == "Kept"
    post.refresh_from_db()
    assert (post.title, post.description) == ("Kept", "new")


def test_an_explicit_null_description_clears_it(graphql, make_post, alice):
    post = make_post(alice, "Title", "old")

    body = update(graphql, alice, post.id, {"description": None})

    assert body["data"]["updatePost"]["description"] is None
    post.refresh_from_db()
    assert post.description is None


def test_an_empty_input_changes_nothing(graphql, make_post, alice):
    post = make_post(alice, "Title", "text")

    body = update(graphql, alice, post.id, {})

    assert body["data"]["updatePost"] == {
        "id": str(post.id),
        "title": "Title",
        "description": "text",
    }


@pytest.mark.parametrize("title", [None, "", "  ", "y" * 101])
def test_an_invalid_title_is_bad_user_input_and_changes_nothing(graphql, make_post, alice, title):
    post = make_post(alice, "Title", "old")

    body = update(graphql, alice, post.id, {"title": title, "description": "new"})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    post.refresh_from_db()
    assert (post.title, post.description) == ("Title", "old")


def test_someone_elses_post_is_not_found_and_unchanged(graphql, make_post, alice, bob):
    bobs_post = make_post(bob, "Bob's", "his")

    body = update(graphql, alice, bobs_post.id, {"title": "Hijacked", "description": None})

    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] is None
    bobs_post.refresh_from_db()
    assert (bobs_post.title, bobs_post.description) == ("Bob's", "his")


def test_staff_cannot_change_someone_elses_post_either(graphql, make_post, alice, staff):
    post = make_post(alice, "Alice's")

    assert error_codes(update(graphql, staff, post.id, {"title": "Staff"})) == ["NOT_FOUND"]


def test_a_missing_post_is_not_found(graphql, alice):
    assert error_codes(update(graphql, alice, uuid.uuid4(), {"title": "x"})) == ["NOT_FOUND"]


def test_an_id_that_is_not_a_uuid_is_bad_user_input(graphql, alice):
    assert error_codes(update(graphql, alice, "nope", {"title": "x"})) == ["BAD_USER_INPUT"]


def test_requires_a_token(graphql, make_post, alice):
    post = make_post(alice, "Title")

    body = graphql(UPDATE_POST, {"id": str(post.id), "input": {"title": "Anonymous"}})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    post.refresh_from_db()
    assert post.title == "Title"
