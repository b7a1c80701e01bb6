"""`myPosts`: the viewer's own posts, a page at a time."""

import pytest

from posts.schema.types import User
from subgraph_kit.testing import error_codes

MY_POSTS = """
query MyPosts($first: Int, $after: String) {
  myPosts(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title description created author { id } } }
  }
}
"""


def titles(connection):
    return [edge["node"]["title"] for edge in connection["edges"]]


def test_lists_only_the_viewers_posts_by_title(graphql, make_post, alice, bob):
    make_post(alice, "Zebra")
    make_post(alice, "Apple", "fruit")
    make_post(bob, "Bob's")

    body = graphql(MY_POSTS, {"first": 10}, as_person=alice)

    assert "errors" not in body
    connection = body["data"]["myPosts"]
    assert titles(connection) == ["Apple", "Zebra"]
    assert connection["totalCount"] == 2
    apple = connection["edges"][0]["node"]
    assert apple["description"] == "fruit"
    assert apple["author"] == {"id": alice.id}
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": connection["edges"][0]["cursor"],
        "endCursor": connection["edges"][1]["cursor"],
    }


def test_an_empty_list_has_no_cursors(graphql, alice):
    connection = graphql(MY_POSTS, as_person=alice)["data"]["myPosts"]

    assert connection == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
    }


def test_pages_follow_each_other_without_gaps_or_repeats(graphql, make_post, alice):
    # Equal titles are ordered by id, so pages stay stable across ties.
    for title in ["b", "a", "c", "b", "e", "d", "b"]:
        make_post(alice, title)

    seen, after, pages = [], None, []
    while True:
        connection = graphql(MY_POSTS, {"first": 3, "after": after}, as_person=alice)["data"][
            "myPosts"
        ]
        pages.append(connection)
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert [len(page["edges"]) for page in pages] == [3, 3, 1]
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    assert all(page["totalCount"] == 7 for page in pages)
    assert len(set(seen)) == 7
    assert [title for page in pages for title in titles(page)] == list("abbbcde")


def test_a_page_that_exactly_ends_the_list_has_no_next_page(graphql, make_post, alice):
    make_post(alice, "one")
    make_post(alice, "two")

    connection = graphql(MY_POSTS, {"first": 2}, as_person=alice)["data"]["myPosts"]

    assert connection["pageInfo"]["hasNextPage"] is False


def test_default_page_size_is_20(graphql, make_post, alice):
    for number in range(21):
        make_post(alice, f"post {number:02}")

    connection = graphql(MY_POSTS, as_person=alice)["data"]["myPosts"]

    assert len(connection["edges"]) == 20
    assert connection["pageInfo"]["hasNextPage"] is True


def test_another_users_cursor_reveals_nothing_of_theirs(graphql, make_post, alice, bob):
    make_post(bob, "b-secret")
    make_post(alice, "a-mine")
    make_post(alice, "z-mine")
    bobs_cursor = graphql(MY_POSTS, as_person=bob)["data"]["myPosts"]["pageInfo"]["endCursor"]

    connection = graphql(MY_POSTS, {"after": bobs_cursor}, as_person=alice)["data"]["myPosts"]

    assert titles(connection) == ["z-mine"]


@pytest.mark.parametrize("first", [0, -1, 101])
def test_first_outside_1_to_100_is_bad_user_input(graphql, alice, first):
    body = graphql(MY_POSTS, {"first": first}, as_person=alice)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


@pytest.mark.parametrize("cursor", ["", "not a cursor", "eyJ0aXRsZSI6IDF9", "WyJhIiwgIngiXQ"])
def test_a_malformed_cursor_is_bad_user_input(graphql, alice, cursor):
    body = graphql(MY_POSTS, {"after": cursor}, as_person=alice)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "Invalid cursor"


def test_requires_a_token(graphql):
    body = graphql(MY_POSTS)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


MY_POSTS_PAGE = """
query MyPostsPage($first: Int) {
  myPosts(first: $first) { edges { cursor node { title } } }
}
"""


@pytest.mark.parametrize("post_count", [3, 150])
def test_a_full_page_costs_one_query_whatever_its_size(
    graphql, make_post, alice, django_assert_num_queries, post_count
):
    for number in range(post_count):
        make_post(alice, f"post {number:03}")

    with django_assert_num_queries(1) as queries:  # the page; no count, as none is selected
        body = graphql(MY_POSTS_PAGE, {"first": 100}, as_person=alice)

    assert len(body["data"]["myPosts"]["edges"]) == min(post_count, 100)
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize("post_count", [3, 150])
def test_total_count_adds_one_query_when_selected(
    graphql, make_post, alice, django_assert_num_queries, post_count
):
    for number in range(post_count):
        make_post(alice, f"post {number:03}")

    with django_assert_num_queries(2):  # the page, and the count
        body = graphql(MY_POSTS, {"first": 100}, as_person=alice)

    assert len(body["data"]["myPosts"]["edges"]) == min(post_count, 100)
    assert body["data"]["myPosts"]["totalCount"] == post_count


def test_cursors_are_encoded_only_when_selected(graphql, make_post, alice, monkeypatch):
    encoded = []
    monkeypatch.setattr(
        "posts.schema.types.encode_cursor", lambda position: encoded.append(position) or "c"
    )
    for title in ["a", "b", "c"]:
        make_post(alice, title)

    body = graphql("{ myPosts { edges { node { title } } } }", as_person=alice)
    assert len(body["data"]["myPosts"]["edges"]) == 3
    assert encoded == []

    body = graphql(
        "{ myPosts { pageInfo { endCursor } edges { node { title } } } }", as_person=alice
    )
    assert body["data"]["myPosts"]["pageInfo"] == {"endCursor": "c"}
    assert [position.title for position in encoded] == ["c"]


def test_a_page_makes_one_author_reference_per_author(graphql, make_post, alice, monkeypatch):
    # `author` is an attribute of each post's object, set when the page's objects are made: a
    # resolver per post cost Strawberry a call chain for each of them (see PostType).
    references = []
    for_id = User.for_id.__func__
    monkeypatch.setattr(
        User,
        "for_id",
        classmethod(lambda cls, user_id: references.append(user_id) or for_id(cls, user_id)),
    )
    for title in ["a", "b", "c"]:
        make_post(alice, title)

    body = graphql("{ myPosts { edges { node { title author { id } } } } }", as_person=alice)

    assert [edge["node"]["author"] for edge in body["data"]["myPosts"]["edges"]] == [
        {"id": alice.id}
    ] * 3
    assert [str(user_id) for user_id in references] == [alice.id]
