from django.http import JsonResponse
from django.urls import path

from subgraph_kit.health import health_urlpatterns


async def graphql_endpoint(request):
    return JsonResponse({"data": {"ok": True}})


urlpatterns = [path("graphql", graphql_endpoint), *health_urlpatterns()]
