"""`createPost`: a post owned by the viewer, whatever the input says."""

import datetime as dt

import pytest

from posts.models import Post
from subgraph_kit.testing import error_codes

CREATE_POST = """
mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { id title description created author { id } }
}
"""


def test_creates_a_post_owned_by_the_viewer(graphql, alice):
    body = graphql(
        CREATE_POST, {"input": {"title": "  Hello  ", "description": "World"}}, as_person=alice
    )

    created = body["data"]["createPost"]
    post = Post.objects.get(id=created["id"])
    assert post.user_id == alice.user_id
    assert created == {
        "id": str(post.id),
        "title": "Hello",
        "description": "World",
        "created": dt.date.today().isoformat(),
        "author": {"id": alice.id},
    }


def test_description_is_optional(graphql, alice):
    created = graphql(CREATE_POST, {"input": {"title": "Bare"}}, as_person=alice)["data"][
        "createPost"
    ]

    assert created["description"] is None
    assert Post.objects.get(id=created["id"]).description is None


def test_the_owner_cannot_be_chosen_in_the_input(graphql, alice, bob):
    body = graphql(CREATE_POST, {"input": {"title": "Hi", "userId": bob.id}}, as_person=alice)

    assert "errors" in body
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Title must not be empty"),
        ("   ", "Title must not be empty"),
        ("x" * 101, "Title must be at most 100 characters"),
    ],
)
def test_an_invalid_title_is_bad_user_input_and_creates_nothing(graphql, alice, title, message):
    body = graphql(CREATE_POST, {"input": {"title": title}}, as_person=alice)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == message
    assert body["data"] is None
    assert not Post.objects.exists()


def test_a_title_of_100_characters_after_trimming_is_accepted(graphql, alice):
    title = "x" * 100
    body = graphql(CREATE_POST, {"input": {"title": f" {title} "}}, as_person=alice)

    assert body["data"]["createPost"]["title"] == title


def test_requires_a_token(graphql):
    body = graphql(CREATE_POST, {"input": {"title": "Anonymous"}})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert not Post.objects.exists()


def test_a_description_over_the_maximum_is_bad_user_input(graphql, alice):
    body = graphql(
        CREATE_POST, {"input": {"title": "T", "description": "d" * 10_001}}, as_person=alice
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert not Post.objects.exists()


def test_too_many_creations_are_rate_limited_with_a_retry_delay(graphql, alice, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "POST_CREATE_PER_USER": {"count": 1, "window_seconds": 3600},
    }
    graphql(CREATE_POST, {"input": {"title": "First"}}, as_person=alice)

    body = graphql(CREATE_POST, {"input": {"title": "Second"}}, as_person=alice)

    assert error_codes(body) == ["RATE_LIMITED"]
    # Sliding windows: an attempt weighs on the count for up to two windows.
    assert 0 < body["errors"][0]["extensions"]["retryAfter"] <= 2 * 3600
    assert Post.objects.count() == 1
