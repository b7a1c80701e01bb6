"""A bug behind a resolver reaches the client as a masked error, never a 500 or a traceback."""

import posts.schema.queries
from subgraph_kit.testing import error_codes

MY_POSTS = "{ myPosts { totalCount } }"


def test_an_unexpected_error_is_masked(graphql, alice, monkeypatch):
    async def broken_selector(**_):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(posts.schema.queries, "post_page", broken_selector)

    body = graphql(MY_POSTS, as_person=alice)

    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert error_codes(body) == [None]
    assert "hunter2" not in str(body)
