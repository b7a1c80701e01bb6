"""changePassword: needs the current password; revokes every refresh token of the user and
returns a new pair for the device that asked."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.services import (
    SAME_PASSWORD_MESSAGE,
    WRONG_CURRENT_PASSWORD_MESSAGE,
    token_pair_issue,
)
from accounts.tests.conftest import PASSWORD
from accounts.tests.operations import CHANGE_PASSWORD, LOGIN, ME, REFRESH_TOKEN
from subgraph_kit.testing import error_codes

NEW_PASSWORD = "a new and much longer passphrase"


def change_password(
    graphql, access_token: str, old_password: str = PASSWORD, new_password: str = NEW_PASSWORD
) -> dict[str, object]:
    return graphql(
        CHANGE_PASSWORD,
        {"input": {"oldPassword": old_password, "newPassword": new_password}},
        access_token=access_token,
    )


def log_in(graphql, password: str) -> dict[str, object]:
    return graphql(LOGIN, {"input": {"email": "ada@example.com", "password": password}})


def test_the_new_password_logs_in_and_the_old_one_no_longer_does(graphql, user, tokens) -> None:
    body = change_password(graphql, tokens.access)

    assert "errors" not in body, body
    assert error_codes(log_in(graphql, PASSWORD)) == ["UNAUTHENTICATED"]
    assert "errors" not in log_in(graphql, NEW_PASSWORD)


def test_every_other_session_is_revoked_and_this_one_gets_a_new_pair(graphql, user, tokens) -> None:
    other_device = token_pair_issue(user=user)

    payload = change_password(graphql, tokens.access)["data"]["changePassword"]

    assert payload["user"] == {"id": str(user.id), "email": "ada@example.com"}
    for old_refresh in (tokens.refresh, other_device.refresh):
        assert error_codes(graphql(REFRESH_TOKEN, {"refresh": old_refresh})) == ["UNAUTHENTICATED"]
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": payload["refresh"]})
    assert graphql(ME, access_token=payload["access"])["data"]["me"]["id"] == str(user.id)


def test_a_wrong_current_password_is_bad_user_input_and_changes_nothing(
    graphql, user, tokens
) -> None:
    body = change_password(graphql, tokens.access, old_password="not my password")

    # Not UNAUTHENTICATED: the session is fine, a client must not log the user out for a typo.
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == WRONG_CURRENT_PASSWORD_MESSAGE
    assert User.objects.get(id=user.id).check_password(PASSWORD)
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": tokens.refresh})


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [
        ("k3#Lp9", "too short"),
        ("password123", "too common"),
        ("ada.example.com", "too similar to the email address"),
        (" " * 12, "only whitespace"),
        (PASSWORD, SAME_PASSWORD_MESSAGE),
    ],
)
def test_a_new_password_the_rules_refuse_is_refused_with_the_reason(
    graphql, user, tokens, new_password: str, reason: str
) -> None:
    body = change_password(graphql, tokens.access, new_password=new_password)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert reason in body["errors"][0]["message"]
    assert User.objects.get(id=user.id).check_password(PASSWORD)


def test_wrong_current_passwords_count_as_failed_logins(graphql, user, tokens) -> None:
    # A stolen access token must not let its holder guess the password without limit.
    failures = [
        change_password(graphql, tokens.access, old_password=f"guess {n}") for n in range(5)
    ]

    refused = change_password(graphql, tokens.access)

    assert [error_codes(body) for body in failures] == [["BAD_USER_INPUT"]] * 5
    assert error_codes(refused) == ["RATE_LIMITED"]
    assert error_codes(log_in(graphql, PASSWORD)) == ["RATE_LIMITED"]


def test_a_change_that_cannot_issue_tokens_changes_nothing(
    graphql, user, tokens, mandatory_verification
) -> None:
    # The new pair is refused to an unverified user, after the password and the revocations
    # are written: the transaction must undo them.
    user.is_verified = False
    user.save()

    body = change_password(graphql, tokens.access)

    assert error_codes(body) == ["EMAIL_NOT_VERIFIED"]
    assert User.objects.get(id=user.id).check_password(PASSWORD)
    assert not user.outstandingtoken_set.filter(blacklistedtoken__isnull=False).exists()


@pytest.mark.django_db
def test_change_password_without_a_token_is_unauthenticated(graphql) -> None:
    body = graphql(
        CHANGE_PASSWORD, {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    )

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_a_deactivated_user_cannot_change_their_password(graphql, user, tokens) -> None:
    user.is_active = False
    user.save()

    assert error_codes(change_password(graphql, tokens.access)) == ["UNAUTHENTICATED"]
    assert User.objects.get(id=user.id).check_password(PASSWORD)
