"""A deleted user's posts disappear from every query as soon as the user is recorded as deleted,
even for their own access token, which stays valid until it expires; their writes are refused."""

import pytest

from posts.models import Post
from posts.services import deleted_user_record
from subgraph_kit.testing import error_codes

pytestmark = pytest.mark.django_db

MY_POSTS = "query { myPosts { totalCount edges { node { id } } } }"
POST = "query Post($id: ID!) { post(id: $id) { id } }"
ALL_POSTS = """
query Posts($authorId: ID) { posts(authorId: $authorId) { totalCount edges { node { title } } } }
"""
USER_POSTS = """
query UserPosts($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { posts { totalCount edges { node { title } } } }
  }
}
"""
POST_ENTITIES = """
query PostEntities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Post { id } }
}
"""
CREATE_POST = """
mutation CreatePost($input: CreatePostInput!) { createPost(input: $input) { id } }
"""
UPDATE_POST = """
mutation UpdatePost($id: ID!, $input: UpdatePostInput!) {
  updatePost(id: $id, input: $input) { id }
}
"""
DELETE_POST = "mutation DeletePost($id: ID!) { deletePost(id: $id) }"


@pytest.fixture
def deleted_alices_post(make_post, alice, bob):
    """Alice's post, Alice recorded as deleted; Bob's post stays."""
    post = make_post(alice, "Alice's")
    make_post(bob, "Bob's")
    deleted_user_record(user_id=alice.user_id)
    return post


def test_my_posts_is_empty_for_the_deleted_users_token(graphql, alice, deleted_alices_post):
    body = graphql(MY_POSTS, as_person=alice)

    assert body["data"]["myPosts"] == {"totalCount": 0, "edges": []}


def test_post_is_null_for_the_deleted_users_token(graphql, alice, deleted_alices_post):
    body = graphql(POST, {"id": str(deleted_alices_post.id)}, as_person=alice)

    assert body["data"] == {"post": None}


def test_post_entities_are_null_for_the_deleted_users_token(graphql, alice, deleted_alices_post):
    representations = [{"__typename": "Post", "id": str(deleted_alices_post.id)}]

    body = graphql(POST_ENTITIES, {"representations": representations}, as_person=alice)

    assert body["data"] == {"_entities": [None]}


def test_the_staff_listing_leaves_them_out(
    graphql, staff, alice, deleted_alices_post, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the page and the count, the tombstones inside each
        every = graphql(ALL_POSTS, as_person=staff)["data"]["posts"]
    by_alice = graphql(ALL_POSTS, {"authorId": alice.id}, as_person=staff)["data"]["posts"]

    assert every == {"totalCount": 1, "edges": [{"node": {"title": "Bob's"}}]}
    assert by_alice == {"totalCount": 0, "edges": []}


def test_user_posts_are_empty_for_staff_and_the_user(
    graphql, staff, alice, bob, deleted_alices_post, django_assert_num_queries
):
    representations = [{"__typename": "User", "id": person.id} for person in (alice, bob)]

    with django_assert_num_queries(2):  # every user's page, and every user's count
        as_staff = graphql(USER_POSTS, {"representations": representations}, as_person=staff)
    as_alice = graphql(USER_POSTS, {"representations": representations[:1]}, as_person=alice)

    assert as_staff["data"]["_entities"] == [
        {"posts": {"totalCount": 0, "edges": []}},
        {"posts": {"totalCount": 1, "edges": [{"node": {"title": "Bob's"}}]}},
    ]
    assert as_alice["data"]["_entities"] == [{"posts": {"totalCount": 0, "edges": []}}]


def test_creating_a_post_is_refused(graphql, alice, deleted_alices_post):
    body = graphql(CREATE_POST, {"input": {"title": "After deletion"}}, as_person=alice)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert Post.including_deleted_authors.filter(user_id=alice.user_id).count() == 1


def test_updating_and_deleting_their_posts_is_not_found(graphql, alice, deleted_alices_post):
    post_id = str(deleted_alices_post.id)

    updated = graphql(UPDATE_POST, {"id": post_id, "input": {"title": "New"}}, as_person=alice)
    deleted = graphql(DELETE_POST, {"id": post_id}, as_person=alice)

    assert error_codes(updated) == ["NOT_FOUND"]
    assert error_codes(deleted) == ["NOT_FOUND"]
    assert Post.including_deleted_authors.get(id=post_id).title == "Alice's"


def test_other_users_keep_their_posts(graphql, bob, deleted_alices_post):
    body = graphql(MY_POSTS, as_person=bob)

    assert body["data"]["myPosts"]["totalCount"] == 1
