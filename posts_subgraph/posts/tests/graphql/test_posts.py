"""`posts`: the staff listing of every post, or one author's."""

import pytest

from subgraph_kit.testing import error_codes

POSTS = """
query Posts($first: Int, $after: String, $authorId: ID) {
  posts(first: $first, after: $after, authorId: $authorId) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { title author { id } } }
  }
}
"""


def test_staff_lists_every_authors_posts(graphql, make_post, alice, bob, staff):
    make_post(alice, "b by alice")
    make_post(bob, "a by bob")

    connection = graphql(POSTS, as_person=staff)["data"]["posts"]

    assert connection["totalCount"] == 2
    assert [edge["node"] for edge in connection["edges"]] == [
        {"title": "a by bob", "author": {"id": bob.id}},
        {"title": "b by alice", "author": {"id": alice.id}},
    ]


def test_staff_lists_one_authors_posts(graphql, make_post, alice, bob, staff):
    make_post(alice, "alice 1")
    make_post(alice, "alice 2")
    make_post(bob, "bob 1")

    connection = graphql(POSTS, {"authorId": alice.id}, as_person=staff)["data"]["posts"]

    assert connection["totalCount"] == 2
    assert [edge["node"]["title"] for edge in connection["edges"]] == ["alice 1", "alice 2"]


def test_staff_pages_through_every_post(graphql, make_post, alice, bob, staff):
    for number in range(5):
        make_post(alice if number % 2 else bob, f"post {number}")

    first_page = graphql(POSTS, {"first": 3}, as_person=staff)["data"]["posts"]
    after = first_page["pageInfo"]["endCursor"]
    second_page = graphql(POSTS, {"first": 3, "after": after}, as_person=staff)["data"]["posts"]

    assert [edge["node"]["title"] for edge in first_page["edges"] + second_page["edges"]] == [
        f"post {number}" for number in range(5)
    ]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert second_page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second_page["pageInfo"]["endCursor"],
    }


def test_non_staff_is_forbidden_even_for_their_own_posts(graphql, make_post, alice):
    make_post(alice)

    for variables in [{}, {"authorId": alice.id}]:
        body = graphql(POSTS, variables, as_person=alice)
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["data"] is None


def test_requires_a_token(graphql):
    assert error_codes(graphql(POSTS)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "variables", [{"authorId": "not-a-uuid"}, {"first": 101}, {"after": "%%%"}]
)
def test_malformed_arguments_are_bad_user_input(graphql, staff, variables):
    assert error_codes(graphql(POSTS, variables, as_person=staff)) == ["BAD_USER_INPUT"]


POSTS_PAGE = """
query PostsPage($first: Int) {
  posts(first: $first) { edges { node { title author { id } } } }
}
"""


@pytest.mark.parametrize("post_count", [3, 150])
def test_a_full_page_costs_one_query_whatever_its_size(
    graphql, make_post, make_person, staff, django_assert_num_queries, post_count
):
    authors = [make_person() for _ in range(10)]
    for number in range(post_count):
        make_post(authors[number % 10], f"post {number:03}")

    with django_assert_num_queries(1) as queries:  # the page; no count of the whole table
        body = graphql(POSTS_PAGE, {"first": 100}, as_person=staff)

    assert len(body["data"]["posts"]["edges"]) == min(post_count, 100)
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize("post_count", [3, 150])
def test_total_count_adds_one_query_when_selected(
    graphql, make_post, make_person, staff, django_assert_num_queries, post_count
):
    authors = [make_person() for _ in range(10)]
    for number in range(post_count):
        make_post(authors[number % 10], f"post {number:03}")

    with django_assert_num_queries(2):  # the page, and the count
        body = graphql(POSTS, {"first": 100}, as_person=staff)

    assert len(body["data"]["posts"]["edges"]) == min(post_count, 100)
    assert body["data"]["posts"]["totalCount"] == post_count
