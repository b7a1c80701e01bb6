"""Floors (a) and (c): Django's routes and ASGI application (`bench.floors.django_app:application`).

(a) `GET /my-posts?first=20`: a plain async Django view returning the page as JSON, in the same
    shape as the GraphQL answer.
(c) `POST /graphql`: the floors' Strawberry schema through `AsyncGraphQLView`.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path
from strawberry.django.views import AsyncGraphQLView

from bench.floors.page import POSTS, page_size
from bench.floors.schema import schema

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floors.django_settings")


async def my_posts(request: HttpRequest) -> JsonResponse:
    try:
        first = int(request.GET.get("first", "20"))
    except ValueError:
        first = 20
    edges = [
        {"node": {"title": title, "author": {"__typename": "User", "id": author_id}}}
        for title, author_id in POSTS[: page_size(first)]
    ]
    return JsonResponse({"data": {"myPosts": {"edges": edges}}})


urlpatterns = [
    path("my-posts", my_posts),
    path("graphql", AsyncGraphQLView.as_view(schema=schema, graphql_ide=None)),
]

application = get_asgi_application()
