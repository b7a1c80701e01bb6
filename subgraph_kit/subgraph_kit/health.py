"""Liveness and readiness endpoints, open to orchestrators without any credential."""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

logger = logging.getLogger("subgraph_kit.health")


@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


def _database_is_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError as error:
        logger.warning("readiness check: database unreachable: %s", error)
        return False
    finally:
        # Give the connection back (to the pool on PostgreSQL) instead of keeping it in a thread.
        connection.close()


@require_GET
async def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: the database answers."""
    if await sync_to_async(_database_is_reachable)():
        return JsonResponse({"status": "ready", "database": "ok"})
    return JsonResponse({"status": "not ready", "database": "unreachable"}, status=503)


def health_urlpatterns() -> list[URLPattern]:
    return [path("healthz", healthz, name="healthz"), path("readyz", readyz, name="readyz")]
