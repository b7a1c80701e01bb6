"""Routes: the JWKS, health checks, metrics, the admin. `/graphql`, the endpoint the router calls,
is served outside Django's URLs (subgraph_kit.asgi, settings.GRAPHQL_APPLICATION)."""

from django.contrib import admin
from django.urls import path

from accounts.views import jwks
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns

urlpatterns = [
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("admin/", admin.site.urls),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
