"""Internal endpoints the users service calls when an account is deleted (accounts.posts_client).

Not part of the GraphQL API, and not reachable through the router, which forwards `/graphql`
only. Like every subgraph path they require the router's shared secret
(subgraph_kit.router_secret), which the users service holds too.
"""

from __future__ import annotations

import uuid

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from posts.services import deleted_user_posts_purge, deleted_user_record


@csrf_exempt
@require_POST
async def deleted_user(request: HttpRequest, user_id: uuid.UUID) -> JsonResponse:
    """Record the user as deleted: their posts are hidden from every query at once."""
    await sync_to_async(deleted_user_record)(user_id=user_id)
    return JsonResponse({"userId": str(user_id)})


@csrf_exempt
@require_POST
async def deleted_user_posts(request: HttpRequest, user_id: uuid.UUID) -> JsonResponse:
    """Record the user as deleted and delete every post of theirs, batch after batch."""
    deleted_posts = await sync_to_async(deleted_user_posts_purge)(user_id=user_id)
    return JsonResponse({"userId": str(user_id), "deletedPosts": deleted_posts})
