"""Routes: the GraphQL endpoint the router calls, the JWKS, health checks, metrics, the admin."""

from django.contrib import admin
from django.urls import path

from accounts.schema import schema
from accounts.schema.context import UsersGraphQLView
from accounts.views import jwks
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns

urlpatterns = [
    path("graphql", UsersGraphQLView.as_view(schema=schema), name="graphql"),
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("admin/", admin.site.urls),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
