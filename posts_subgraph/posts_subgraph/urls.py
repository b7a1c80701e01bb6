"""Routes: the GraphQL endpoint the router calls, the internal endpoints the users service calls
(posts.views), health checks, metrics and the admin."""

from django.contrib import admin
from django.urls import path

from posts.schema import schema
from posts.views import deleted_user, deleted_user_posts
from subgraph_kit.graphql import SubgraphGraphQLView
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns

urlpatterns = [
    path("graphql", SubgraphGraphQLView.as_view(schema=schema), name="graphql"),
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
