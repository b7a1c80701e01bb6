import threading

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from subgraph_kit.graphql import SubgraphGraphQLView
from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns
from tests.schema import schema


async def graphql_endpoint(request):
    return JsonResponse({"data": {"ok": True}})


# The threads /sync-work's requests ran their sync code on, kept (so never reused by another).
SYNC_WORK_THREADS: list[threading.Thread] = []


def _query_on_this_thread() -> None:
    SYNC_WORK_THREADS.append(threading.current_thread())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def sync_work(request):
    """A request whose sync code opens a database connection."""
    await sync_to_async(_query_on_this_thread)()
    return JsonResponse({"loop_thread": threading.get_ident()})


def admin_page(request):
    return JsonResponse({"admin": True})


urlpatterns = [
    path("admin/page", admin_page),
    path("graphql", graphql_endpoint),
    path("sync-work", sync_work),
    path("kit/graphql", SubgraphGraphQLView.as_view(schema=schema)),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
