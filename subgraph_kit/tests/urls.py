import threading

from asgiref.sync import sync_to_async
from django.http import JsonResponse
from django.urls import path

from subgraph_kit.health import health_urlpatterns
from subgraph_kit.metrics import metrics_urlpatterns
from tests.sync_work import query_on_this_thread


async def sync_work(request):
    """A request whose sync code opens a database connection."""
    await sync_to_async(query_on_this_thread)()
    return JsonResponse({"loop_thread": threading.get_ident()})


def admin_page(request):
    return JsonResponse({"admin": True})


urlpatterns = [
    path("admin/page", admin_page),
    path("sync-work", sync_work),
    *health_urlpatterns(),
    *metrics_urlpatterns(),
]
