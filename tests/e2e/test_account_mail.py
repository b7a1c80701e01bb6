"""Account mail through the router, as a frontend and its user live it: the verification link
of a signup, a forgotten password reset through the mailed link. The users service mails
through the harness's SMTP server; its task worker (`manage.py task_worker`, running beside it)
sends the queued mail."""

from __future__ import annotations

import uuid

from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.mail import link_token
from tests.support.stack import Stack

NEW_PASSWORD = "a forgotten password's successor"


def test_a_signup_verifies_its_address_through_the_mailed_link(stack: Stack) -> None:
    email = f"verify-{uuid.uuid4().hex[:8]}@example.com"
    assert signup(stack, email)["user"]["isVerified"] is False

    message = stack.mail.wait_for(email, "Confirm your email address")
    token = link_token(message, path="/verify-email")

    assert call(stack, "VerifyEmail", {"token": token}) == {"data": {"verifyEmail": True}}
    assert error_codes(call(stack, "VerifyEmail", {"token": token})) == ["BAD_USER_INPUT"]
    logged_in = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    me = call(stack, "Me", access_token=logged_in["data"]["login"]["access"])
    assert me["data"]["me"]["isVerified"] is True


def test_a_forgotten_password_is_reset_through_the_mailed_link(stack: Stack) -> None:
    email = f"forgetful-{uuid.uuid4().hex[:8]}@example.com"
    old_session = signup(stack, email)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    answers = [
        call(stack, "RequestPasswordReset", {"email": address}) for address in (email, unknown)
    ]

    assert answers == [{"data": {"requestPasswordReset": True}}] * 2
    token = link_token(stack.mail.wait_for(email, "Reset your password"), path="/reset-password")
    assert stack.mail.messages_to(unknown) == []
    reset = call(stack, "ResetPassword", {"token": token, "newPassword": NEW_PASSWORD})
    assert "errors" not in reset, reset
    assert reset["data"]["resetPassword"]["user"]["isVerified"] is True
    assert error_codes(call(stack, "RefreshToken", {"refresh": old_session["refresh"]})) == [
        "UNAUTHENTICATED"
    ]
    again = call(stack, "ResetPassword", {"token": token, "newPassword": "yet another one 1234"})
    assert error_codes(again) == ["BAD_USER_INPUT"]
    logged_in = call(stack, "Login", {"input": {"email": email, "password": NEW_PASSWORD}})
    assert "errors" not in logged_in, logged_in
