"""Routes: the GraphQL endpoint the router calls, health checks, metrics and the admin."""

from django.contrib import admin
from django.urls import path

from posts.schema import schema
from subgraph_kit.graphql import SubgraphGraphQLView
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns

urlpatterns = [
    path("graphql", SubgraphGraphQLView.as_view(schema=schema), name="graphql"),
    path("admin/", admin.site.urls),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
