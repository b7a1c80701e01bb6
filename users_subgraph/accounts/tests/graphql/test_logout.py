"""logout: revokes a refresh token, after which refreshing with it fails."""

from __future__ import annotations

import pytest

from accounts.services import token_pair_issue
from accounts.tests.operations import LOGOUT, REFRESH_TOKEN
from subgraph_kit.testing import error_codes


def test_after_logout_the_refresh_token_no_longer_refreshes(graphql, tokens) -> None:
    assert graphql(LOGOUT, {"refresh": tokens.refresh}) == {"data": {"logout": True}}

    body = graphql(REFRESH_TOKEN, {"refresh": tokens.refresh})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "blacklisted" in body["errors"][0]["message"]


def test_logging_out_twice_with_one_token_is_unauthenticated(graphql, tokens) -> None:
    graphql(LOGOUT, {"refresh": tokens.refresh})

    assert error_codes(graphql(LOGOUT, {"refresh": tokens.refresh})) == ["UNAUTHENTICATED"]


def test_logout_with_an_access_token_is_unauthenticated(graphql, tokens) -> None:
    body = graphql(LOGOUT, {"refresh": tokens.access})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": tokens.refresh})


@pytest.mark.django_db
def test_logout_with_garbage_is_unauthenticated(graphql) -> None:
    assert error_codes(graphql(LOGOUT, {"refresh": "garbage"})) == ["UNAUTHENTICATED"]


def test_logout_leaves_the_users_other_sessions_alone(graphql, user, tokens) -> None:
    other_session = token_pair_issue(user=user)

    graphql(LOGOUT, {"refresh": tokens.refresh})

    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": other_session.refresh})
