"""The web client (examples/web) in headless Chromium, from an origin of its own, on the stack.

Token expiry is real, not mocked: the page's clock is moved past the access token's lifetime
(the client must refresh before sending), and a genuinely expired token, signed with the stack's
key, is put in the client's storage (the router refuses it with 401; the client must refresh once
and retry).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import assert_only_local_requests
from tests.support.client import PASSWORD, call, error_codes
from tests.support.stack import REPO_ROOT, Stack

# Where examples/web/src/session.ts keeps the session.
SESSION_KEY = "web-example.session"


# The production build sends each operation by its id in the trusted-documents manifest.
MANIFEST_IDS = {
    entry["name"]: entry["id"]
    for entry in json.loads((REPO_ROOT / "schema" / "persisted-query-manifest.json").read_text())[
        "operations"
    ]
}


@dataclass(frozen=True)
class ApiCall:
    operation: str
    status: int


def api_calls(requests: list[Request], stack: Stack) -> list[ApiCall]:
    """The GraphQL operations among `requests`, in order, with the router's HTTP status; each
    must have been sent by its manifest id, without its text."""
    calls = []
    for sent in requests:
        if sent.method == "POST" and sent.url == f"{stack.router_url}/graphql":
            response = sent.response()
            assert response is not None, f"no response to {sent.post_data}"
            body = sent.post_data_json
            assert "query" not in body, f"the production build sent a document: {body}"
            sent_id = body["extensions"]["persistedQuery"]["sha256Hash"]
            assert sent_id == MANIFEST_IDS[body["operationName"]], body
            calls.append(ApiCall(body["operationName"], response.status))
    return calls


def stored_session(page: Page) -> dict[str, Any] | None:
    return json.loads(page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}') ?? 'null'"))


def store_session(page: Page, session: dict[str, Any]) -> None:
    page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, value)", [SESSION_KEY, json.dumps(session)]
    )


def expired_copy(access_token: str, stack: Stack) -> str:
    """The same access token, signed with the same key, but issued and expired in the past."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    lifetime = claims["exp"] - claims["iat"]
    now = int(time.time())
    claims.update(iat=now - lifetime - 60, exp=now - 60, jti=uuid.uuid4().hex)
    key_id = jwt.get_unverified_header(access_token)["kid"]
    return jwt.encode(claims, stack.private_key, algorithm="RS256", headers={"kid": key_id})


def access_lifetime_ms(access_token: str) -> int:
    claims = jwt.decode(access_token, options={"verify_signature": False})
    return (claims["exp"] - claims["iat"]) * 1000


def sign_in(page: Page, email: str, action: str) -> None:
    form = page.get_by_role("form", name="Account")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name=action).click()


def create_post(page: Page, title: str, description: str = "") -> None:
    form = page.get_by_role("form", name="New post")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Description").fill(description)
    form.get_by_role("button", name="Create post").click()
    expect(page.get_by_role("listitem").get_by_role("heading", name=title)).to_be_visible()


def test_sign_up_manage_posts_survive_token_expiry_log_out_and_back_in(
    page: Page, page_requests: list[Request], stack: Stack, web_app_url: str
) -> None:
    email = f"web-{uuid.uuid4().hex[:8]}@example.com"
    post_titles = page.get_by_role("listitem").get_by_role("heading")
    posts_heading = page.get_by_role("heading", level=2)

    page.clock.install()
    page.goto(web_app_url)
    sign_in(page, email, "Sign up")
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    expect(posts_heading).to_have_text("Your posts (0)")

    create_post(page, "Zebra facts", "Stripes")
    create_post(page, "Aardvark notes")
    expect(post_titles).to_have_text(["Aardvark notes", "Zebra facts"])
    for item in page.get_by_role("listitem").all():
        expect(item).to_contain_text(f"by {email}")

    page.get_by_role("listitem").filter(has_text="Zebra facts").get_by_role(
        "button", name="Edit"
    ).click()
    editor = page.get_by_role("form", name="Edit post")
    editor.get_by_label("Title").fill("Zebra facts, revised")
    editor.get_by_label("Description").fill("Black and white")
    editor.get_by_role("button", name="Save").click()
    expect(post_titles).to_have_text(["Aardvark notes", "Zebra facts, revised"])
    expect(page.get_by_role("listitem").last).to_contain_text("Black and white")

    page.get_by_role("listitem").filter(has_text="Aardvark notes").get_by_role(
        "button", name="Delete"
    ).click()
    expect(post_titles).to_have_text(["Zebra facts, revised"])
    expect(posts_heading).to_have_text("Your posts (1)")
    expect(page.get_by_role("listitem")).to_contain_text(f"by {email}")

    # The API agrees with the screen.
    session = stored_session(page)
    assert session is not None
    my_posts = call(stack, "MyPosts", access_token=session["access"])["data"]["myPosts"]
    assert [edge["node"]["title"] for edge in my_posts["edges"]] == ["Zebra facts, revised"]

    # The access token's lifetime passes on the page's clock: the client refreshes before
    # sending, so the router never sees an expired token.
    page.clock.fast_forward(access_lifetime_ms(session["access"]))
    mark = len(page_requests)
    create_post(page, "Meerkat sightings")
    expect(post_titles).to_have_text(["Meerkat sightings", "Zebra facts, revised"])
    assert api_calls(page_requests[mark:], stack) == [
        ApiCall("RefreshToken", 200),
        ApiCall("CreatePost", 200),
        ApiCall("MyPosts", 200),
    ]
    refreshed = stored_session(page)
    assert refreshed is not None
    assert refreshed["access"] != session["access"]
    assert refreshed["refresh"] != session["refresh"]

    # A token the client believes fresh but the router finds expired: 401, one refresh, retry.
    store_session(page, {**refreshed, "access": expired_copy(refreshed["access"], stack)})
    mark = len(page_requests)
    page.reload()
    expect(post_titles).to_have_text(["Meerkat sightings", "Zebra facts, revised"])
    assert api_calls(page_requests[mark:], stack) == [
        ApiCall("MyPosts", 401),
        ApiCall("RefreshToken", 200),
        ApiCall("MyPosts", 200),
    ]

    # Logging out revokes the refresh token and forgets the session.
    before_logout = stored_session(page)
    assert before_logout is not None
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_have_text("You are logged out.")
    expect(page.get_by_role("form", name="Account")).to_be_visible()
    assert stored_session(page) is None
    revoked = call(stack, "RefreshToken", {"refresh": before_logout["refresh"]})
    assert error_codes(revoked) == ["UNAUTHENTICATED"]

    # An expired access token with a revoked refresh token: one refresh attempt, then sign in.
    store_session(page, {**before_logout, "access": expired_copy(before_logout["access"], stack)})
    mark = len(page_requests)
    page.reload()
    expect(page.get_by_role("alert")).to_have_text("Your session has expired. Please log in again.")
    assert [made.operation for made in api_calls(page_requests[mark:], stack)] == [
        "MyPosts",
        "RefreshToken",
    ]
    assert stored_session(page) is None

    sign_in(page, email, "Log in")
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    expect(post_titles).to_have_text(["Meerkat sightings", "Zebra facts, revised"])

    assert_only_local_requests(page_requests)


def test_an_origin_the_router_does_not_list_cannot_call_the_api(
    page: Page, stack: Stack, web_app_url: str
) -> None:
    # The same app from http://localhost:<port>: another origin, absent from CORS_ALLOWED_ORIGINS.
    page.goto(web_app_url.replace("127.0.0.1", "localhost"))
    sign_in(page, "someone@example.com", "Log in")
    expect(page.get_by_role("alert")).to_have_text(
        f"Cannot reach the API at {stack.router_url}/graphql."
    )
