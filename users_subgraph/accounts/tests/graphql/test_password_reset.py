"""Password reset: requestPasswordReset answers the same, with the same work, for every address
and is rate limited; resetPassword sets a password under signup's rules with a single-use token,
revokes every refresh token and returns a new pair."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.link_tokens import link_token_make, password_reset_tokens
from accounts.models import User
from accounts.services import token_pair_issue
from accounts.tests.conftest import PASSWORD, run_queued_tasks
from accounts.tests.mail import token_in
from accounts.tests.operations import (
    CHANGE_PASSWORD,
    LOGIN,
    ME,
    REFRESH_TOKEN,
    REQUEST_PASSWORD_RESET,
    RESET_PASSWORD,
    aliased,
)
from subgraph_kit.testing import error_codes

NEW_PASSWORD = "a brand new passphrase 42"


def request_reset(graphql, email: str) -> dict[str, object]:
    return graphql(REQUEST_PASSWORD_RESET, {"email": email})


def reset(graphql, token: str, new_password: str = NEW_PASSWORD) -> dict[str, object]:
    return graphql(RESET_PASSWORD, {"token": token, "newPassword": new_password})


def mailed_reset_token(*, to: str) -> str:
    run_queued_tasks()
    messages = [message for message in mail.outbox if message.to == [to]]
    assert len(messages) == 1, [message.to for message in mail.outbox]
    assert messages[0].subject == "Reset your password"
    return token_in(messages[0].body, path="/reset-password")


def test_a_mailed_link_resets_the_password_and_revokes_every_session(graphql, user) -> None:
    sessions = [token_pair_issue(user=user) for _ in range(2)]

    assert request_reset(graphql, "ADA@example.com") == {"data": {"requestPasswordReset": True}}
    assert mail.outbox == []  # Sent by the worker, not on the request.
    body = reset(graphql, mailed_reset_token(to="ada@example.com"))

    assert "errors" not in body, body
    payload = body["data"]["resetPassword"]
    # Opening the mailed link proved the address.
    assert payload["user"] == {"id": str(user.id), "email": user.email, "isVerified": True}
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.is_verified is True
    for session in sessions:
        assert error_codes(graphql(REFRESH_TOKEN, {"refresh": session.refresh})) == [
            "UNAUTHENTICATED"
        ]
    assert "errors" not in graphql(REFRESH_TOKEN, {"refresh": payload["refresh"]})
    assert graphql(ME, access_token=payload["access"])["data"]["me"]["id"] == str(user.id)
    assert error_codes(graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD}})) == [
        "UNAUTHENTICATED"
    ]


def test_a_token_works_once(graphql, user) -> None:
    token = link_token_make(user=user, tokens=password_reset_tokens)

    assert "errors" not in reset(graphql, token)
    reused = reset(graphql, token, "yet another passphrase 43")

    assert error_codes(reused) == ["BAD_USER_INPUT"]
    assert reused["errors"][0]["message"] == "This password reset link is invalid, used or expired"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_token_dies_when_the_password_changes_otherwise(graphql, user, tokens) -> None:
    token = link_token_make(user=user, tokens=password_reset_tokens)
    changed = graphql(
        CHANGE_PASSWORD,
        {"input": {"oldPassword": PASSWORD, "newPassword": "changed passphrase 44"}},
        access_token=tokens.access,
    )
    assert "errors" not in changed, changed

    assert error_codes(reset(graphql, token)) == ["BAD_USER_INPUT"]


def test_a_token_expires(graphql, user, settings) -> None:
    token = link_token_make(user=user, tokens=password_reset_tokens)
    # The token's timestamp is in seconds: a lifetime of -1 second has always run out.
    settings.PASSWORD_RESET_TIMEOUT = -1

    assert error_codes(reset(graphql, token)) == ["BAD_USER_INPUT"]
    settings.PASSWORD_RESET_TIMEOUT = 3600
    assert "errors" not in reset(graphql, token)


def test_the_new_password_follows_signups_rules_and_the_token_stays_usable(graphql, user) -> None:
    token = link_token_make(user=user, tokens=password_reset_tokens)

    refused = reset(graphql, token, "12345678")

    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert "This password is too common." in refused["errors"][0]["message"]
    assert "This password is entirely numeric." in refused["errors"][0]["message"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.is_verified is False
    assert "errors" not in reset(graphql, token)


def test_wrong_tokens_and_inactive_users_are_bad_user_input(graphql, create_user) -> None:
    user = create_user(email="ada@example.com")
    inactive = create_user(email="gone@example.com", is_active=False)
    valid = link_token_make(user=user, tokens=password_reset_tokens)
    uid, _, django_token = valid.partition(".")

    for token in [
        "",
        "garbage",
        f"{uid}.{django_token}0",
        f"{uid}.{django_token[:-1]}",
        link_token_make(user=inactive, tokens=password_reset_tokens),
    ]:
        assert error_codes(reset(graphql, token)) == ["BAD_USER_INPUT"], token
    assert not OutstandingToken.objects.exists()


def test_a_request_does_the_same_work_for_a_known_and_an_unknown_address(
    graphql, create_user, django_assert_num_queries
) -> None:
    create_user(email="ada@example.com")
    create_user(email="gone@example.com", is_active=False)
    answers = []

    # The same queries (the limits, one queued task), so the same time, for each address.
    for email in ["ada@example.com", "nobody@example.com", "gone@example.com"]:
        with django_assert_num_queries(len(QUERIES_OF_ONE_REQUEST)):
            answers.append(request_reset(graphql, email))

    assert answers == [{"data": {"requestPasswordReset": True}}] * 3
    assert DBTaskResult.objects.count() == 3
    mailed_reset_token(to="ada@example.com")
    assert len(mail.outbox) == 1


# Per limit (client, email): the count's upsert and the previous window's read; then the task.
QUERIES_OF_ONE_REQUEST = ["upsert", "previous window"] * 2 + ["queue the task"]


@pytest.mark.django_db
def test_requests_are_rate_limited_per_email(graphql, set_rate_limits) -> None:
    set_rate_limits(PASSWORD_RESET_PER_EMAIL="2/h")

    body = graphql(aliased("requestPasswordReset", ['email: "ada@example.com"'] * 3))

    refused = body["errors"][0]
    assert refused["path"] == ["call2"]
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert refused["extensions"]["retryAfter"] > 0
    assert refused["message"].startswith("Too many password resets requested for this email")
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_requests_are_rate_limited_per_client(graphql, graphql_from, set_rate_limits) -> None:
    set_rate_limits(PASSWORD_RESET_PER_CLIENT="2/h")

    answers = [request_reset(graphql, f"user{index}@example.com") for index in range(3)]
    elsewhere = graphql_from("203.0.113.9", REQUEST_PASSWORD_RESET, {"email": "x@example.com"})

    assert [error_codes(body) for body in answers] == [[], [], ["RATE_LIMITED"]]
    assert answers[2]["errors"][0]["message"].startswith(
        "Too many password resets requested from this address"
    )
    assert "errors" not in elsewhere


@pytest.mark.django_db
def test_a_request_refuses_an_invalid_address(graphql) -> None:
    assert error_codes(request_reset(graphql, "@")) == ["BAD_USER_INPUT"]
    assert not DBTaskResult.objects.exists()


def test_under_mandatory_verification_a_reset_verifies_and_logs_in(
    graphql, create_user, mandatory_verification
) -> None:
    user = create_user(email="ada@example.com")
    token = link_token_make(user=user, tokens=password_reset_tokens)

    body = reset(graphql, token)

    assert "errors" not in body, body
    assert User.objects.get().is_verified is True
