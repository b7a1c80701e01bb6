"""`_entities` and `_service`, called directly as the router (or an attacker) would."""

import uuid

import pytest

from subgraph_kit.testing import error_codes

USER_POSTS = """
query UserPosts($representations: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $representations) {
    ... on User {
      id
      posts(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { title author { id } } }
      }
    }
  }
}
"""

USER_POST_TITLES = """
query UserPostTitles($representations: [_Any!]!, $first: Int) {
  _entities(representations: $representations) {
    ... on User { id posts(first: $first) { edges { node { title } } } }
  }
}
"""

POST_ENTITIES = """
query PostEntities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Post { id title }
  }
}
"""


def user(person_or_id):
    return {"__typename": "User", "id": str(getattr(person_or_id, "user_id", person_or_id))}


def titles(entity):
    return [edge["node"]["title"] for edge in entity["posts"]["edges"]]


def test_a_user_reads_their_own_posts(graphql, make_post, alice, bob):
    make_post(alice, "b")
    make_post(alice, "a")
    make_post(bob, "bob's")

    body = graphql(USER_POSTS, {"representations": [user(alice)]}, as_person=alice)

    assert "errors" not in body
    [entity] = body["data"]["_entities"]
    assert entity["id"] == alice.id
    assert titles(entity) == ["a", "b"]
    assert entity["posts"]["totalCount"] == 2
    assert entity["posts"]["edges"][0]["node"]["author"] == {"id": alice.id}


def test_pages_through_a_users_posts(graphql, make_post, alice):
    for title in "edcba":
        make_post(alice, title)

    first = graphql(USER_POSTS, {"representations": [user(alice)], "first": 2}, as_person=alice)
    page_info = first["data"]["_entities"][0]["posts"]["pageInfo"]
    second = graphql(
        USER_POSTS,
        {"representations": [user(alice)], "first": 2, "after": page_info["endCursor"]},
        as_person=alice,
    )

    assert titles(first["data"]["_entities"][0]) == ["a", "b"]
    assert page_info["hasNextPage"] is True
    assert titles(second["data"]["_entities"][0]) == ["c", "d"]
    assert second["data"]["_entities"][0]["posts"]["pageInfo"]["hasPreviousPage"] is True


def test_someone_elses_posts_are_forbidden_while_the_rest_of_the_batch_resolves(
    graphql, make_post, alice, bob
):
    make_post(alice, "mine")
    make_post(bob, "bob's")

    body = graphql(USER_POSTS, {"representations": [user(bob), user(alice)]}, as_person=alice)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["_entities", 0, "posts"]
    bobs_entity, alices_entity = body["data"]["_entities"]
    assert bobs_entity is None
    assert titles(alices_entity) == ["mine"]


def test_staff_reads_anyones_posts(graphql, make_post, alice, staff):
    make_post(alice, "alice's")

    body = graphql(USER_POSTS, {"representations": [user(alice)]}, as_person=staff)

    assert titles(body["data"]["_entities"][0]) == ["alice's"]


def test_a_user_without_posts_has_an_empty_connection(graphql, alice):
    body = graphql(USER_POSTS, {"representations": [user(alice)]}, as_person=alice)

    assert body["data"]["_entities"][0]["posts"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None},
        "edges": [],
    }


def test_a_malformed_user_id_is_bad_user_input_for_that_entity_only(graphql, make_post, staff):
    owner_id = uuid.uuid4()
    make_post(owner_id, "kept")

    body = graphql(
        USER_POSTS,
        {"representations": [{"__typename": "User", "id": "12"}, user(owner_id)]},
        as_person=staff,
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["_entities", 0]
    assert titles(body["data"]["_entities"][1]) == ["kept"]


def test_reading_posts_requires_a_token(graphql, alice):
    body = graphql(USER_POSTS, {"representations": [user(alice)]})

    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("user_count", [2, 100])
def test_posts_of_many_users_cost_one_query(
    graphql, make_post, make_person, staff, django_assert_num_queries, user_count
):
    people = [make_person() for _ in range(user_count)]
    for person in people:
        for number in range(3):
            make_post(person, f"post {number}")

    with django_assert_num_queries(1) as queries:  # every user's page; no count is selected
        body = graphql(
            USER_POST_TITLES,
            {"representations": [user(p) for p in people], "first": 2},
            as_person=staff,
        )

    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert all(titles(entity) == ["post 0", "post 1"] for entity in entities)
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize("user_count", [2, 100])
def test_total_count_of_many_users_adds_one_query(
    graphql, make_post, make_person, staff, django_assert_num_queries, user_count
):
    people = [make_person() for _ in range(user_count)]
    for person in people:
        for number in range(3):
            make_post(person, f"post {number}")

    with django_assert_num_queries(2):  # every user's page, and every user's count
        body = graphql(
            USER_POSTS, {"representations": [user(p) for p in people], "first": 2}, as_person=staff
        )

    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert [entity["id"] for entity in entities] == [person.id for person in people]
    assert all(titles(entity) == ["post 0", "post 1"] for entity in entities)
    assert all(entity["posts"]["totalCount"] == 3 for entity in entities)
    assert all(entity["posts"]["pageInfo"]["hasNextPage"] for entity in entities)


def test_a_post_entity_resolves_for_its_owner_only(graphql, make_post, alice, bob):
    mine = make_post(alice, "mine")
    bobs = make_post(bob, "bob's")
    representations = [
        {"__typename": "Post", "id": str(mine.id)},
        {"__typename": "Post", "id": str(bobs.id)},
        {"__typename": "Post", "id": str(uuid.uuid4())},
    ]

    body = graphql(POST_ENTITIES, {"representations": representations}, as_person=alice)

    assert body == {"data": {"_entities": [{"id": str(mine.id), "title": "mine"}, None, None]}}


def test_post_entities_require_a_token(graphql, make_post, alice):
    post = make_post(alice)

    body = graphql(POST_ENTITIES, {"representations": [{"__typename": "Post", "id": str(post.id)}]})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"]["_entities"] == [None]


def test_many_post_entities_cost_one_query(graphql, make_post, alice, django_assert_num_queries):
    posts = [make_post(alice, f"post {number}") for number in range(100)]
    representations = [{"__typename": "Post", "id": str(post.id)} for post in posts]

    with django_assert_num_queries(1):
        body = graphql(POST_ENTITIES, {"representations": representations}, as_person=alice)

    assert [entity["id"] for entity in body["data"]["_entities"]] == [str(p.id) for p in posts]


def test_service_sdl_is_the_federation_2_subgraph_schema(graphql):
    sdl = graphql("{ _service { sdl } }")["data"]["_service"]["sdl"]

    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
    assert 'type User @key(fields: "id")' in sdl
