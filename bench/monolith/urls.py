"""Routes: the one JSON view and the health checks the harness waits on."""

from django.urls import path

from bench.monolith.views import my_posts
from subgraph_kit.health import health_urlpatterns

urlpatterns = [
    path("my-posts", my_posts, name="my-posts"),
    *health_urlpatterns(),
]
