"""logoutAll: revokes every refresh token of the viewer, on every device."""

from __future__ import annotations

from functools import partial

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.services import token_pair_issue
from accounts.tests.conftest import PASSWORD, run_all_concurrently
from accounts.tests.operations import LOGIN, LOGOUT, LOGOUT_ALL, ME, REFRESH_TOKEN
from subgraph_kit.testing import SubgraphClient, error_codes, execute_graphql


def log_in(graphql) -> dict[str, str]:
    body = graphql(LOGIN, {"input": {"email": "ada@example.com", "password": PASSWORD}})
    assert "errors" not in body, body
    return body["data"]["login"]


def test_logout_all_revokes_the_refresh_token_of_every_device(graphql, user) -> None:
    laptop, phone = log_in(graphql), log_in(graphql)

    assert graphql(LOGOUT_ALL, access_token=phone["access"]) == {"data": {"logoutAll": True}}

    for device in (laptop, phone):
        body = graphql(REFRESH_TOKEN, {"refresh": device["refresh"]})
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert "blacklisted" in body["errors"][0]["message"]


def test_logout_all_leaves_other_users_alone(graphql, user, create_user) -> None:
    other_user_tokens = token_pair_issue(user=create_user(email="grace@example.com"))

    graphql(LOGOUT_ALL, access_token=log_in(graphql)["access"])

    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": other_user_tokens.refresh})


def test_logging_in_again_after_logout_all_works(graphql, user) -> None:
    graphql(LOGOUT_ALL, access_token=log_in(graphql)["access"])

    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": log_in(graphql)["refresh"]})


def test_access_tokens_stay_valid_until_they_expire(graphql, user) -> None:
    # Verification is stateless (docs/security.md, "Access tokens stay valid until they expire"):
    # only refreshing stops at once.
    tokens = log_in(graphql)

    graphql(LOGOUT_ALL, access_token=tokens["access"])

    assert graphql(ME, access_token=tokens["access"])["data"]["me"]["id"] == str(user.id)


def test_logout_all_after_logging_out_one_device_succeeds(graphql, user) -> None:
    laptop, phone = log_in(graphql), log_in(graphql)
    graphql(LOGOUT, {"refresh": laptop["refresh"]})

    assert graphql(LOGOUT_ALL, access_token=phone["access"]) == {"data": {"logoutAll": True}}
    assert error_codes(graphql(REFRESH_TOKEN, {"refresh": phone["refresh"]})) == ["UNAUTHENTICATED"]


@pytest.mark.django_db
def test_logout_all_without_a_token_is_unauthenticated(graphql) -> None:
    body = graphql(LOGOUT_ALL)

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


def test_logout_all_for_a_deleted_user_is_unauthenticated(graphql, user, tokens) -> None:
    user.delete()

    assert error_codes(graphql(LOGOUT_ALL, access_token=tokens.access)) == ["UNAUTHENTICATED"]


@pytest.mark.django_db(transaction=True)
def test_no_session_survives_a_logout_all_racing_refreshes(create_user) -> None:
    user = create_user()
    sessions = [token_pair_issue(user=user) for _ in range(5)]

    def refresh(refresh_token: str) -> dict[str, object]:
        return execute_graphql(SubgraphClient(), REFRESH_TOKEN, {"refresh": refresh_token})

    def logout_all() -> dict[str, object]:
        return execute_graphql(SubgraphClient(), LOGOUT_ALL, access_token=sessions[0].access)

    bodies = run_all_concurrently(
        [partial(refresh, session.refresh) for session in sessions] + [logout_all]
    )

    assert all(isinstance(body, dict) for body in bodies), bodies
    assert all(set(error_codes(body)) <= {"UNAUTHENTICATED"} for body in bodies), bodies
    # A refresh that ran before logoutAll had its new token revoked by it; one that ran after
    # found its token revoked. Either way, no refresh token of the user is left alive.
    alive = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    assert list(alive.values_list("jti", flat=True)) == []
