"""The router's GraphiQL in a real browser: it works offline and runs a signed-in federated query.

UPDATE_DOCS_SCREENSHOT=1 (`make screenshots`) also writes the final screen to
docs/graphiql.png, the picture in README.md.
"""

from __future__ import annotations

import os

from playwright.sync_api import Locator, Page, Request, expect

from tests.browser.conftest import REPO_ROOT, VIEWPORT, assert_only_local_requests
from tests.support.client import PASSWORD, call, signup
from tests.support.stack import Stack

EMAIL = "ada@example.com"
TITLES = ("Hello, federation", "Posts from one subgraph, authors from another")
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "graphiql.png"


def replace_text(page: Page, editor: Locator, text: str) -> None:
    """Types `text` over everything in a GraphiQL (Monaco) editor, as a user pasting it would."""
    editor.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(text)


def replace_operation(page: Page, operation_name: str, text: str) -> None:
    replace_text(page, page.locator(".graphiql-query-editor"), text)
    # GraphiQL reads the operation's name from the editor a moment later; it runs that one.
    expect(page.locator(".graphiql-tab-active .graphiql-tab-button")).to_have_text(operation_name)


def test_graphiql_offline_login_me_and_my_posts(
    page: Page, page_requests: list[Request], stack: Stack
) -> None:
    access = signup(stack, EMAIL)["access"]
    for title in TITLES:
        created = call(stack, "CreatePost", {"input": {"title": title}}, access_token=access)
        assert "errors" not in created, created

    page.goto(f"{stack.router_url}/graphql")
    query_editor = page.locator(".graphiql-query-editor")
    response_pane = page.locator(".graphiql-response")
    headers_editor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden)")
    run_button = page.locator(".graphiql-execute-button")

    # The router's default document, all in view: signup, how to send the token, what next.
    expect(query_editor).to_contain_text("mutation SignUp {")
    expect(query_editor).to_contain_text('{"Authorization": "Bearer <access token>"}')
    expect(query_editor).to_contain_text("query MyPosts { myPosts { edges { node {")
    expect(query_editor).to_contain_text("title author { email } } } } }")

    page.locator(".graphiql-tab-add").click()
    replace_operation(
        page,
        "Login",
        f'mutation Login {{ login(input: {{email: "{EMAIL}", password: "{PASSWORD}"}})'
        " { access user { email } } }",
    )
    with page.expect_response(f"{stack.router_url}/graphql") as login_response:
        run_button.click()
    access_token = login_response.value.json()["data"]["login"]["access"]
    expect(response_pane).to_contain_text('"access":')
    expect(response_pane).to_contain_text(f'"email": "{EMAIL}"')

    page.get_by_role("button", name="Headers", exact=True).click()
    replace_text(page, headers_editor, f'{{"Authorization": "Bearer {access_token}"}}')
    replace_operation(page, "Me", "query Me { me { email } }")
    run_button.click()
    expect(response_pane).to_contain_text(f'"me": {{ "email": "{EMAIL}" }}')

    # The query the default document suggests: posts come from the posts subgraph, each
    # author's email from the users subgraph.
    replace_operation(
        page, "MyPosts", "query MyPosts { myPosts { edges { node { title author { email } } } } }"
    )
    run_button.click()
    for title in TITLES:
        expect(response_pane).to_contain_text(
            f'"title": "{title}", "author": {{ "email": "{EMAIL}" }}'
        )

    assert_only_local_requests(page_requests)

    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        # No pointer over an editor, and time for the editors' scrollbars to fade out.
        page.mouse.move(0, VIEWPORT["height"] - 1)
        page.wait_for_timeout(1500)
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=DOCS_SCREENSHOT)
