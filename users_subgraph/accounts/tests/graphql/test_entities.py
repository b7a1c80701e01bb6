"""_entities: how the router resolves User references, batched into one query per request."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import User
from accounts.services import token_pair_issue
from accounts.tests.operations import USER_ENTITIES, USER_ENTITIES_WITH_EMAIL
from subgraph_kit.testing import error_codes


def representations(*user_ids: object) -> dict[str, object]:
    return {"representations": [{"__typename": "User", "id": str(user_id)} for user_id in user_ids]}


@pytest.mark.django_db
def test_a_hundred_users_resolve_in_one_query(graphql, django_assert_num_queries) -> None:
    users = User.objects.bulk_create(
        User(email=f"user{index}@example.com", password="!") for index in range(100)
    )

    with django_assert_num_queries(1):
        body = graphql(USER_ENTITIES, representations(*(user.id for user in users)))

    assert "errors" not in body, body
    assert [entity["id"] for entity in body["data"]["_entities"]] == [str(u.id) for u in users]
    assert body["data"]["_entities"][0] == {
        "id": str(users[0].id),
        "isVerified": False,
        "dateJoined": users[0].date_joined.isoformat(),
    }


def test_an_unknown_user_resolves_to_null(graphql, user) -> None:
    body = graphql(USER_ENTITIES, representations(user.id, uuid.uuid4()))

    assert "errors" not in body, body
    assert [entity and entity["id"] for entity in body["data"]["_entities"]] == [str(user.id), None]


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1234"])
def test_a_malformed_id_is_bad_user_input(graphql, bad_id: str) -> None:
    body = graphql(USER_ENTITIES, representations(bad_id))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] == {"_entities": [None]}


@pytest.mark.django_db
def test_a_representation_without_id_is_bad_user_input(graphql) -> None:
    body = graphql(USER_ENTITIES, {"representations": [{"__typename": "User"}]})

    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_users_read_their_own_email(graphql, user, tokens) -> None:
    body = graphql(USER_ENTITIES_WITH_EMAIL, representations(user.id), access_token=tokens.access)

    assert body == {"data": {"_entities": [{"id": str(user.id), "email": user.email}]}}


def test_reading_another_users_email_is_forbidden(graphql, user, create_user) -> None:
    other = create_user(email="grace@example.com")
    access_token = token_pair_issue(user=other).access

    body = graphql(USER_ENTITIES_WITH_EMAIL, representations(user.id), access_token=access_token)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] == {"_entities": [None]}


@pytest.mark.django_db
def test_reading_an_email_without_a_token_is_forbidden(graphql, user) -> None:
    body = graphql(USER_ENTITIES_WITH_EMAIL, representations(user.id))

    assert error_codes(body) == ["FORBIDDEN"]


def test_staff_read_every_email(graphql, user, create_user) -> None:
    staff = create_user(email="staff@example.com", is_staff=True)
    other = create_user(email="grace@example.com")
    access_token = token_pair_issue(user=staff).access

    body = graphql(
        USER_ENTITIES_WITH_EMAIL, representations(user.id, other.id), access_token=access_token
    )

    assert "errors" not in body, body
    assert [entity["email"] for entity in body["data"]["_entities"]] == [
        "ada@example.com",
        "grace@example.com",
    ]


def test_only_the_unreadable_emails_fail(graphql, user, create_user, tokens) -> None:
    other = create_user(email="grace@example.com")

    body = graphql(
        USER_ENTITIES_WITH_EMAIL, representations(user.id, other.id), access_token=tokens.access
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["_entities", 1, "email"]
    assert body["data"]["_entities"] == [{"id": str(user.id), "email": user.email}, None]


def test_an_invalid_token_is_unauthenticated_not_anonymous(graphql, user) -> None:
    body = graphql(USER_ENTITIES_WITH_EMAIL, representations(user.id), access_token="garbage")

    assert error_codes(body) == ["UNAUTHENTICATED"]
