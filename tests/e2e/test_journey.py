"""A frontend's journey through the router: accounts, posts, federation across both subgraphs."""

from __future__ import annotations

import uuid

from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import Stack


def test_signup_login_me_and_posts_across_both_subgraphs(stack: Stack) -> None:
    email = f"Journey-{uuid.uuid4().hex[:8]}@Example.com"
    signed_up = signup(stack, email)
    assert signed_up["user"]["email"] == email.lower()

    login = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    assert "errors" not in login, login
    access = login["data"]["login"]["access"]
    user_id = login["data"]["login"]["user"]["id"]

    me = call(stack, "Me", access_token=access)
    assert me["data"]["me"]["id"] == user_id
    assert me["data"]["me"]["email"] == email.lower()

    created = call(
        stack,
        "CreatePost",
        {"input": {"title": "  Draft  ", "description": "d"}},
        access_token=access,
    )
    assert "errors" not in created, created
    post = created["data"]["createPost"]
    assert post["title"] == "Draft"

    updated = call(
        stack, "UpdatePost", {"id": post["id"], "input": {"title": "Final"}}, access_token=access
    )
    assert updated["data"]["updatePost"] == {**post, "title": "Final"}
    call(stack, "CreatePost", {"input": {"title": "Another"}}, access_token=access)

    # posts come from the posts subgraph, `author` from users through `_entities`.
    my_posts = call(stack, "MyPosts", {"first": 10}, access_token=access)
    assert "errors" not in my_posts, my_posts
    connection = my_posts["data"]["myPosts"]
    assert connection["totalCount"] == 2
    assert [edge["node"]["title"] for edge in connection["edges"]] == ["Another", "Final"]
    assert {edge["node"]["author"]["email"] for edge in connection["edges"]} == {email.lower()}

    # the posts subgraph extends the users subgraph's User with `posts`.
    me_with_posts = call(stack, "MeWithPosts", {"first": 1}, access_token=access)
    assert "errors" not in me_with_posts, me_with_posts
    posts_page = me_with_posts["data"]["me"]["posts"]
    assert posts_page["totalCount"] == 2
    assert [edge["node"]["title"] for edge in posts_page["edges"]] == ["Another"]
    assert posts_page["pageInfo"]["hasNextPage"] is True
    next_page = call(
        stack,
        "MeWithPosts",
        {"first": 1, "after": posts_page["pageInfo"]["endCursor"]},
        access_token=access,
    )
    assert [e["node"]["title"] for e in next_page["data"]["me"]["posts"]["edges"]] == ["Final"]

    deleted = call(stack, "DeletePost", {"id": post["id"]}, access_token=access)
    assert deleted["data"]["deletePost"] == post["id"]
    assert call(stack, "Post", {"id": post["id"]}, access_token=access)["data"]["post"] is None


def test_refresh_rotates_and_logout_revokes(stack: Stack) -> None:
    tokens = signup(stack)

    refreshed = call(stack, "RefreshToken", {"refresh": tokens["refresh"]})
    assert "errors" not in refreshed, refreshed
    new_pair = refreshed["data"]["refreshToken"]
    assert new_pair["refresh"] != tokens["refresh"]
    assert call(stack, "Me", access_token=new_pair["access"])["data"]["me"]["id"]

    reused = call(stack, "RefreshToken", {"refresh": tokens["refresh"]})
    assert error_codes(reused) == ["UNAUTHENTICATED"]

    logout = call(
        stack, "Logout", {"refresh": new_pair["refresh"]}, access_token=new_pair["access"]
    )
    assert logout["data"]["logout"] is True
    after_logout = call(stack, "RefreshToken", {"refresh": new_pair["refresh"]})
    assert error_codes(after_logout) == ["UNAUTHENTICATED"]


def test_a_user_cannot_see_change_or_delete_another_users_posts(stack: Stack) -> None:
    owner = signup(stack)
    intruder = signup(stack)
    post = call(stack, "CreatePost", {"input": {"title": "Private"}}, access_token=owner["access"])[
        "data"
    ]["createPost"]

    seen = call(stack, "Post", {"id": post["id"]}, access_token=intruder["access"])
    assert seen["data"]["post"] is None
    listed = call(stack, "MyPosts", access_token=intruder["access"])
    assert listed["data"]["myPosts"]["totalCount"] == 0

    update = call(
        stack,
        "UpdatePost",
        {"id": post["id"], "input": {"title": "Mine"}},
        access_token=intruder["access"],
    )
    assert error_codes(update) == ["NOT_FOUND"]
    delete = call(stack, "DeletePost", {"id": post["id"]}, access_token=intruder["access"])
    assert error_codes(delete) == ["NOT_FOUND"]
    staff_only = call(stack, "AllPosts", access_token=intruder["access"])
    assert error_codes(staff_only) == ["FORBIDDEN"]

    still_there = call(stack, "Post", {"id": post["id"]}, access_token=owner["access"])
    assert still_there["data"]["post"]["title"] == "Private"


def test_staff_lists_posts_of_several_authors_with_their_emails(stack: Stack) -> None:
    authors = [signup(stack) for _ in range(3)]
    for number, author in enumerate(authors):
        call(
            stack,
            "CreatePost",
            {"input": {"title": f"by author {number}"}},
            access_token=author["access"],
        )
    staff_email = f"staff-{uuid.uuid4().hex[:8]}@example.com"
    stack.create_superuser(staff_email, PASSWORD)
    staff = call(stack, "Login", {"input": {"email": staff_email, "password": PASSWORD}})
    staff_access = staff["data"]["login"]["access"]

    listing = call(stack, "AllPosts", {"first": 100}, access_token=staff_access)
    assert "errors" not in listing, listing
    emails_by_title = {
        edge["node"]["title"]: edge["node"]["author"]["email"]
        for edge in listing["data"]["posts"]["edges"]
    }
    for number, author in enumerate(authors):
        assert emails_by_title[f"by author {number}"] == author["user"]["email"]

    one_author = call(
        stack, "AllPosts", {"authorId": authors[0]["user"]["id"]}, access_token=staff_access
    )
    assert [e["node"]["title"] for e in one_author["data"]["posts"]["edges"]] == ["by author 0"]
