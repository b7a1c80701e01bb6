"""GET /my-posts?first=20: the viewer's posts with their author's email, as scenario 2 returns them.

Same checks as the federated path: a valid RS256 access token (subgraph_kit's verifier, the code
the subgraphs run), `first` between 1 and 100, posts in (title, id) order, and only the viewer's
own posts, so the author's email is always the viewer's and readable by them.
"""

from __future__ import annotations

import uuid

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from subgraph_kit.errors import Unauthenticated
from subgraph_kit.tokens import bearer_token, get_access_token_verifier

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# One query: the page and each post's author, joined by the database.
POSTS_WITH_AUTHOR_SQL = """
    SELECT post.title, author.email
    FROM monolith_post AS post
    JOIN monolith_user AS author ON author.id = post.user_id
    WHERE post.user_id = %s
    ORDER BY post.title, post.id
    LIMIT %s
"""


def posts_with_author_email(*, user_id: uuid.UUID, first: int) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(POSTS_WITH_AUTHOR_SQL, [user_id, first])
        return cursor.fetchall()


@require_GET
async def my_posts(request: HttpRequest) -> JsonResponse:
    try:
        raw_token = bearer_token(request.headers.get("Authorization"))
        if raw_token is None:
            raise Unauthenticated("Authentication required")
        viewer = await get_access_token_verifier().verify(raw_token)
    except Unauthenticated as error:
        return JsonResponse({"error": str(error)}, status=401)
    try:
        first = int(request.GET.get("first", DEFAULT_PAGE_SIZE))
    except ValueError:
        first = 0
    if not 1 <= first <= MAX_PAGE_SIZE:
        return JsonResponse({"error": f"first must be between 1 and {MAX_PAGE_SIZE}"}, status=400)
    rows = await sync_to_async(posts_with_author_email)(user_id=viewer.user_id, first=first)
    return JsonResponse(
        {"posts": [{"title": title, "author": {"email": email}} for title, email in rows]}
    )
