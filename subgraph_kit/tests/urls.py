from django.http import JsonResponse
from django.urls import path

from subgraph_kit.graphql import SubgraphGraphQLView
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns
from tests.schema import schema


async def graphql_endpoint(request):
    return JsonResponse({"data": {"ok": True}})


def admin_page(request):
    return JsonResponse({"admin": True})


urlpatterns = [
    path("admin/page", admin_page),
    path("graphql", graphql_endpoint),
    path("kit/graphql", SubgraphGraphQLView.as_view(schema=schema)),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
