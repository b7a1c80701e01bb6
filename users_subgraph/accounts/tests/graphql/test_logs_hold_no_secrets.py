"""No password or token a client sends or receives is written to the logs, at any level."""

from __future__ import annotations

from django.core import mail

from accounts.link_tokens import email_verification_tokens, link_token_make, password_reset_tokens
from accounts.tests.conftest import PASSWORD, run_queued_tasks
from accounts.tests.mail import token_in
from accounts.tests.operations import (
    CHANGE_PASSWORD,
    LOGIN,
    ME,
    REFRESH_TOKEN,
    REQUEST_PASSWORD_RESET,
    RESEND_VERIFICATION_EMAIL,
    RESET_PASSWORD,
    SIGNUP,
    VERIFY_EMAIL,
)
from subgraph_kit.testing import captured_logs

NEW_PASSWORD = "a brand new passphrase 42"
SIGNUP_PASSWORD = "another secret passphrase 7"


def test_passwords_and_tokens_stay_out_of_the_logs(graphql, user, settings) -> None:
    # With DEBUG on Django records every SQL statement with its parameters (hashes, refresh
    # tokens in the blacklist tables): those records must not be written either.
    settings.DEBUG = True
    with captured_logs() as output:
        tokens = graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD}})["data"][
            "login"
        ]
        graphql(LOGIN, {"input": {"email": user.email, "password": f"wrong {PASSWORD}"}})
        # graphql-core's error message quotes the whole invalid variable, password included.
        graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD, "otp": 1}})
        graphql(ME, access_token=tokens["access"])
        graphql(ME, access_token=f"{tokens['access']}x")
        refreshed = graphql(REFRESH_TOKEN, {"refresh": tokens["refresh"]})["data"]["refreshToken"]
        graphql(
            CHANGE_PASSWORD,
            {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
            access_token=refreshed["access"],
        )
        graphql(SIGNUP, {"input": {"email": "new@example.com", "password": SIGNUP_PASSWORD}})
    logs = output.getvalue()

    # The capture works: every request left its line.
    assert logs.count("POST /graphql 200") == 8
    issued_tokens = [tokens["access"], tokens["refresh"], refreshed["access"], refreshed["refresh"]]
    for secret in [PASSWORD, NEW_PASSWORD, SIGNUP_PASSWORD, *issued_tokens]:
        assert secret not in logs


def test_mailed_tokens_and_reset_passwords_stay_out_of_the_logs(graphql, user, settings) -> None:
    settings.DEBUG = True
    verification_token = link_token_make(user=user, tokens=email_verification_tokens)
    reset_token = link_token_make(user=user, tokens=password_reset_tokens)
    with captured_logs() as output:
        graphql(REQUEST_PASSWORD_RESET, {"email": user.email})
        graphql(RESEND_VERIFICATION_EMAIL, {"email": user.email})
        run_queued_tasks()
        graphql(VERIFY_EMAIL, {"token": verification_token})
        graphql(RESET_PASSWORD, {"token": reset_token, "newPassword": NEW_PASSWORD})
        graphql(RESET_PASSWORD, {"token": reset_token, "newPassword": NEW_PASSWORD})
    logs = output.getvalue()

    assert logs.count("POST /graphql 200") == 5
    mailed_tokens = [token_in(message.body, path=PATHS[message.subject]) for message in mail.outbox]
    assert len(mailed_tokens) == 2
    for secret in [NEW_PASSWORD, verification_token, reset_token, *mailed_tokens]:
        assert secret not in logs


PATHS = {"Reset your password": "/reset-password", "Confirm your email address": "/verify-email"}
