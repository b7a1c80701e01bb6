"""The web client's account pages in headless Chromium, with the links the stack really mails.

The stack's users service mails through the harness's SMTP server (tests.support.mail) with
FRONTEND_BASE_URL set to the web client's origin, so the test opens the mailed links themselves:
verifying the address after signup, resetting a forgotten password, and deleting the account.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import assert_only_local_requests
from tests.browser.test_web_client import api_calls, create_post, sign_in, stored_session
from tests.support.client import PASSWORD, call, error_codes
from tests.support.mail import LINK
from tests.support.stack import Stack

NEW_PASSWORD = "a brand new passphrase"


def mailed_link(message: EmailMessage) -> str:
    """The one link in a message's text body, as the user would click it."""
    links = LINK.findall(message.get_body(preferencelist=("plain",)).get_content())
    assert len(links) == 1, links
    return links[0]


def test_verify_the_address_then_reset_a_forgotten_password_from_the_mailed_links(
    page: Page, page_requests: list[Request], stack: Stack, web_app_url: str
) -> None:
    email = f"web-mail-{uuid.uuid4().hex[:8]}@example.com"
    not_verified = page.get_by_text("Your email address is not verified yet.")

    page.goto(web_app_url)
    sign_in(page, email, "Sign up")
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    expect(not_verified).to_be_visible()

    # The verification link opens the page in this tab, which stays signed in.
    link = mailed_link(stack.mail.wait_for(email, "Confirm your email address"))
    assert link.startswith(f"{web_app_url}/verify-email?token=")
    page.goto(link)
    assert page.url == f"{web_app_url}/verify-email", "the token stays in the address bar"
    # Opening the link verifies nothing (a mail scanner opens links): the user confirms.
    expect(page.get_by_role("button", name="Confirm my email address")).to_be_visible()
    assert (
        call(stack, "Me", access_token=stored_session(page)["access"])["data"]["me"][  # type: ignore[index]
            "isVerified"
        ]
        is False
    )
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is verified.")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    expect(not_verified).to_be_hidden()
    assert stored_session(page)["user"]["isVerified"] is True  # type: ignore[index]

    # A used link is refused.
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("This verification link cannot be used.")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("invalid, used or expired")
    page.get_by_role("button", name="Continue").click()

    # Forgotten password: log out, ask for a link, set a new password through it.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Forgot your password?").click()
    reset_form = page.get_by_role("form", name="Password reset")
    reset_form.get_by_label("Email").fill(email)
    reset_form.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"If an account uses {email}, a link to reset its password is on its way."
    )
    link = mailed_link(stack.mail.wait_for(email, "Reset your password"))
    assert link.startswith(f"{web_app_url}/reset-password?token=")
    page.goto(link)
    assert page.url == f"{web_app_url}/reset-password", "the token stays in the address bar"
    new_password = page.get_by_role("form", name="New password")
    new_password.get_by_label("New password").fill(NEW_PASSWORD)
    new_password.get_by_role("button", name="Set password").click()
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Your password is changed; every other session of the account is logged out."
    )
    assert page.url == f"{web_app_url}/"

    # The old password is gone, the new one works.
    old = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    assert error_codes(old) == ["UNAUTHENTICATED"]
    new = call(stack, "Login", {"input": {"email": email, "password": NEW_PASSWORD}})
    assert "errors" not in new, new

    # Leaving a page for a mailed link cancels its requests in flight: names only, no statuses.
    sent = [
        made.post_data_json["operationName"]
        for made in page_requests
        if made.method == "POST" and made.url == f"{stack.router_url}/graphql"
    ]
    for operation in ("Signup", "VerifyEmail", "Me", "RequestPasswordReset", "ResetPassword"):
        assert operation in sent, sent
    assert_only_local_requests(page_requests)


def test_delete_the_account_with_its_password(
    page: Page, page_requests: list[Request], stack: Stack, web_app_url: str
) -> None:
    email = f"web-delete-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(web_app_url)
    sign_in(page, email, "Sign up")
    create_post(page, "Soon gone")
    session = stored_session(page)
    assert session is not None

    page.get_by_role("button", name="Delete account").click()
    confirm = page.get_by_role("form", name="Delete account")
    # A wrong password deletes nothing.
    confirm.get_by_label("Password").fill("not the password")
    confirm.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_have_text("The password is not correct")
    expect(page.get_by_role("listitem").get_by_role("heading")).to_have_text(["Soon gone"])

    confirm.get_by_label("Password").fill(PASSWORD)
    confirm.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_have_text("Your account and its posts are deleted.")
    expect(page.get_by_role("form", name="Account")).to_be_visible()
    assert stored_session(page) is None

    # The account is gone, and so are its posts, even for its still-valid access token.
    login = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    assert error_codes(login) == ["UNAUTHENTICATED"]
    my_posts = call(stack, "MyPosts", access_token=session["access"])
    assert my_posts.get("data") is None or my_posts["data"]["myPosts"]["edges"] == [], my_posts
    assert [made.operation for made in api_calls(page_requests, stack)][-1] == "DeleteAccount"
    assert_only_local_requests(page_requests)
