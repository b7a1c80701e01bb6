"""Calls to the posts service's internal endpoints (posts/views.py) when an account is deleted.

Not through the router: service to service on the internal network (POSTS_INTERNAL_URL), with the
router's shared secret, which every subgraph path requires. The standard library's HTTP client
is enough for two POSTs.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings

from subgraph_kit.router_secret import ROUTER_SECRET_HEADER

# Recording the deletion is one insert: deleteAccount waits this long at most before answering.
RECORD_TIMEOUT_SECONDS = 3.0
# A purge deletes batch after batch; a purge cut short by this timeout goes on where it stopped
# when the task retries.
PURGE_TIMEOUT_SECONDS = 60.0


class PostsServiceUnavailable(Exception):
    """The posts service did not answer, or answered with an error."""


def deleted_user_record(*, user_id: uuid.UUID) -> None:
    """Have posts record the user as deleted: from then on no query returns their posts."""
    _post(f"/internal/deleted-users/{user_id}", timeout=RECORD_TIMEOUT_SECONDS)


def deleted_user_posts_purge(*, user_id: uuid.UUID) -> int:
    """Have posts record the user as deleted and delete all their posts; how many it deleted."""
    answer = _post(f"/internal/deleted-users/{user_id}/posts", timeout=PURGE_TIMEOUT_SECONDS)
    try:
        return int(answer["deletedPosts"])
    except (KeyError, TypeError, ValueError) as error:
        # An answer of another shape (a proxy's page, another version): retried like no answer.
        raise PostsServiceUnavailable(f"unexpected answer from posts: {answer!r:.200}") from error


def _post(path: str, *, timeout: float) -> dict:
    headers = {"Accept": "application/json"}
    if settings.ROUTER_SHARED_SECRET:
        headers[ROUTER_SECRET_HEADER] = settings.ROUTER_SHARED_SECRET
    request = urllib.request.Request(  # noqa: S310 (the URL is the service's own setting)
        settings.POSTS_INTERNAL_URL + path, data=b"", headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read())
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        TimeoutError,
        ConnectionError,
        ValueError,
    ) as error:
        # URLError covers HTTPError (a 4xx or 5xx answer); HTTPException an answer cut short (posts
        # stopped mid-request); ValueError a body that is not JSON.
        raise PostsServiceUnavailable(f"POST {path}: {error}") from error
