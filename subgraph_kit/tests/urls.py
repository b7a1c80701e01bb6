from django.http import JsonResponse
from django.urls import path

from subgraph_kit.graphql import SubgraphGraphQLView
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns
from tests.schema import schema


async def graphql_endpoint(request):
    return JsonResponse({"data": {"ok": True}})


urlpatterns = [
    path("graphql", graphql_endpoint),
    path("kit/graphql", SubgraphGraphQLView.as_view(schema=schema)),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
