"""Routes: the internal endpoints the users service calls (posts.views), health checks, metrics
and the admin. `/graphql`, the endpoint the router calls, is served outside Django's URLs
(subgraph_kit.asgi, settings.GRAPHQL_APPLICATION)."""

from django.contrib import admin
from django.urls import path

from posts.views import deleted_user, deleted_user_posts
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns

urlpatterns = [
    path("internal/deleted-users/<uuid:user_id>", deleted_user, name="deleted-user"),
    path(
        "internal/deleted-users/<uuid:user_id>/posts",
        deleted_user_posts,
        name="deleted-user-posts",
    ),
    path("admin/", admin.site.urls),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
