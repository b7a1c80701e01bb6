"""Email verification: signup mails a link under `optional` and `mandatory`, verifyEmail marks the
address verified once, resendVerificationEmail answers the same for every address, and under
`mandatory` unverified accounts get EMAIL_NOT_VERIFIED until they verify."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from accounts.link_tokens import (
    EmailVerificationTokens,
    email_verification_tokens,
    link_token_make,
    password_reset_tokens,
)
from accounts.models import User
from accounts.tests.conftest import PASSWORD, run_queued_tasks
from accounts.tests.mail import token_in
from accounts.tests.operations import (
    LOGIN,
    RESEND_VERIFICATION_EMAIL,
    SIGNUP,
    VERIFY_EMAIL,
    aliased,
)
from subgraph_kit.testing import error_codes


def signup(graphql, email: str = "ada@example.com") -> dict[str, object]:
    return graphql(SIGNUP, {"input": {"email": email, "password": PASSWORD}})


def login(graphql, email: str = "ada@example.com") -> dict[str, object]:
    return graphql(LOGIN, {"input": {"email": email, "password": PASSWORD}})


def verify(graphql, token: str) -> dict[str, object]:
    return graphql(VERIFY_EMAIL, {"token": token})


def mailed_verification_token(*, to: str) -> str:
    """Run the queued tasks; the token of the one verification message they sent to `to`."""
    run_queued_tasks()
    messages = [message for message in mail.outbox if message.to == [to]]
    assert len(messages) == 1, [message.to for message in mail.outbox]
    assert messages[0].subject == "Confirm your email address"
    return token_in(messages[0].body, path="/verify-email")


@pytest.mark.django_db
def test_signup_mails_a_link_that_verifies_the_address_once(graphql, settings) -> None:
    settings.FRONTEND_BASE_URL = "https://app.example.com"
    assert "errors" not in signup(graphql, "Ada@Example.com")

    # Nothing is sent on the request: the worker sends it.
    assert mail.outbox == []
    token = mailed_verification_token(to="ada@example.com")
    assert mail.outbox[0].body.count("https://app.example.com/verify-email?token=") == 1
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL

    assert verify(graphql, token) == {"data": {"verifyEmail": True}}
    assert User.objects.get().is_verified is True
    reused = verify(graphql, token)
    assert error_codes(reused) == ["BAD_USER_INPUT"]
    assert reused["errors"][0]["message"] == "This verification link is invalid, used or expired"


@pytest.mark.django_db
def test_under_policy_none_signup_is_verified_and_mails_nothing(graphql, settings) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"

    body = signup(graphql)

    assert body["data"]["signup"]["user"]["isVerified"] is True
    assert not DBTaskResult.objects.exists()
    assert run_queued_tasks() == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_signup_queues_no_message(graphql, create_user) -> None:
    create_user(email="ada@example.com")

    assert error_codes(signup(graphql)) == ["BAD_USER_INPUT"]
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_under_mandatory_an_account_logs_in_once_verified(graphql, mandatory_verification) -> None:
    refused_signup = signup(graphql)
    refused_login = login(graphql)

    # The account exists and its link was sent; no token until it is verified.
    assert error_codes(refused_signup) == ["EMAIL_NOT_VERIFIED"]
    assert refused_signup["data"] is None
    assert error_codes(refused_login) == ["EMAIL_NOT_VERIFIED"]
    assert User.objects.filter(email="ada@example.com", is_verified=False).exists()
    assert verify(graphql, mailed_verification_token(to="ada@example.com"))["data"]
    logged_in = login(graphql)
    assert "errors" not in logged_in, logged_in
    assert logged_in["data"]["login"]["user"]["isVerified"] is True


def test_a_token_dies_when_the_email_changes(graphql, create_user) -> None:
    user = create_user(email="ada@example.com")
    token = link_token_make(user=user, tokens=email_verification_tokens)
    user.email = "grace@example.com"
    user.save()

    assert error_codes(verify(graphql, token)) == ["BAD_USER_INPUT"]
    assert User.objects.get().is_verified is False


def test_an_inactive_account_cannot_be_verified(graphql, create_user) -> None:
    # As a password reset: a deactivated account's mailed links stop working.
    user = create_user(email="ada@example.com")
    token = link_token_make(user=user, tokens=email_verification_tokens)
    user.is_active = False
    user.save()

    assert error_codes(verify(graphql, token)) == ["BAD_USER_INPUT"]
    assert User.objects.get().is_verified is False


def test_a_token_expires(graphql, create_user, settings, monkeypatch) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION_TIMEOUT_SECONDS = 3600
    user = create_user(email="ada@example.com")
    token = link_token_make(user=user, tokens=email_verification_tokens)
    made_at = dt.datetime.now()

    monkeypatch.setattr(
        EmailVerificationTokens, "_now", lambda self: made_at + dt.timedelta(seconds=3601)
    )
    expired = verify(graphql, token)
    monkeypatch.setattr(
        EmailVerificationTokens, "_now", lambda self: made_at + dt.timedelta(seconds=3500)
    )
    still_valid = verify(graphql, token)

    assert error_codes(expired) == ["BAD_USER_INPUT"]
    assert still_valid == {"data": {"verifyEmail": True}}


def test_wrong_tokens_are_bad_user_input(graphql, create_user) -> None:
    user = create_user(email="ada@example.com")
    other = create_user(email="grace@example.com")
    valid = link_token_make(user=user, tokens=email_verification_tokens)
    uid, _, django_token = valid.partition(".")
    other_uid = link_token_make(user=other, tokens=email_verification_tokens).partition(".")[0]

    wrong_tokens = [
        "",
        "garbage",
        "a.b",
        f"{uid}.",
        f"{uid}.{django_token}x",
        # Another user's id with this user's token.
        f"{other_uid}.{django_token}",
        # A password reset token is no verification token (its own key salt).
        link_token_make(user=user, tokens=password_reset_tokens),
        "é" * 1000,
    ]

    for token in wrong_tokens:
        assert error_codes(verify(graphql, token)) == ["BAD_USER_INPUT"], token
    assert not User.objects.filter(is_verified=True).exists()


def test_resend_answers_the_same_for_every_address_and_mails_only_the_unverified(
    graphql, create_user
) -> None:
    create_user(email="unverified@example.com")
    create_user(email="verified@example.com", is_verified=True)
    create_user(email="inactive@example.com", is_active=False)

    answers = [
        graphql(RESEND_VERIFICATION_EMAIL, {"email": email})
        for email in [
            "Unverified@Example.com",
            "verified@example.com",
            "inactive@example.com",
            "nobody@example.com",
        ]
    ]

    assert answers == [{"data": {"resendVerificationEmail": True}}] * 4
    # One task per request, whatever the address: the lookup happens in the worker.
    assert DBTaskResult.objects.count() == 4
    mailed_verification_token(to="unverified@example.com")
    assert len(mail.outbox) == 1


def test_a_resent_link_verifies(graphql, create_user) -> None:
    create_user(email="ada@example.com")

    graphql(RESEND_VERIFICATION_EMAIL, {"email": "ada@example.com"})

    assert verify(graphql, mailed_verification_token(to="ada@example.com"))["data"]
    assert User.objects.get().is_verified is True


@pytest.mark.django_db
def test_resend_refuses_an_invalid_address(graphql) -> None:
    body = graphql(RESEND_VERIFICATION_EMAIL, {"email": "not an address"})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_resend_is_rate_limited_per_email(graphql, set_rate_limits) -> None:
    set_rate_limits(VERIFICATION_EMAIL_PER_EMAIL="3/h")
    calls = ['email: "ada@example.com"'] * 4

    body = graphql(aliased("resendVerificationEmail", calls))

    assert body["data"] is None  # The field is non-null: the refused call ends the batch.
    refused = body["errors"][0]
    assert refused["path"] == ["call3"]
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < refused["extensions"]["retryAfter"] <= 2 * 3600
    assert refused["message"].startswith("Too many verification emails requested for this email")
    # Refused calls queue nothing.
    assert DBTaskResult.objects.count() == 3


@pytest.mark.django_db
def test_resend_is_rate_limited_per_client(graphql, graphql_from, set_rate_limits) -> None:
    set_rate_limits(VERIFICATION_EMAIL_PER_CLIENT="2/h")

    answers = [
        graphql(RESEND_VERIFICATION_EMAIL, {"email": f"user{index}@example.com"})
        for index in range(3)
    ]
    elsewhere = graphql_from("203.0.113.9", RESEND_VERIFICATION_EMAIL, {"email": "x@example.com"})

    assert [error_codes(body) for body in answers] == [[], [], ["RATE_LIMITED"]]
    assert answers[2]["errors"][0]["message"].startswith(
        "Too many verification emails requested from this address"
    )
    assert "errors" not in elsewhere
