"""Prometheus metrics of a subgraph, served at `/metrics` (see `metrics_urlpatterns`).

Every series carries `service` (settings.SERVICE_NAME). Label values are bounded whatever clients
send: routes are URL patterns, methods a fixed set, operation names capped per process.

Several uvicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty directory writable by all of
them before they start (prometheus-client's multiprocess mode); each worker writes its samples
there and `/metrics` adds them up, whichever worker answers the scrape.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Operation names come from the request: past this many distinct names a process counts the
# others under OTHER_OPERATION, so a client cannot grow the series without bound.
MAX_OPERATION_LABELS = 200
OTHER_OPERATION = "other"
ANONYMOUS_OPERATION = "anonymous"

HTTP_REQUESTS = Counter(
    "subgraph_http_requests",
    "HTTP requests served, by route pattern, method and status code.",
    ["service", "method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "subgraph_http_request_duration_seconds",
    "Time from the request reaching Django to its response being ready.",
    ["service", "method", "route"],
)
GRAPHQL_OPERATIONS = Counter(
    "subgraph_graphql_operations",
    "GraphQL operations executed, by operation name and outcome (ok or errors).",
    ["service", "operation", "outcome"],
)
GRAPHQL_OPERATION_DURATION = Histogram(
    "subgraph_graphql_operation_duration_seconds",
    "Time to parse, validate and execute a GraphQL operation.",
    ["service", "operation"],
)
GRAPHQL_ERRORS = Counter(
    "subgraph_graphql_errors",
    "GraphQL errors returned, by extensions.code and operation name.",
    ["service", "operation", "code"],
)
DB_QUERIES = Counter(
    "subgraph_db_queries",
    "Database queries made while serving requests.",
    ["service"],
)
DB_QUERIES_PER_REQUEST = Histogram(
    "subgraph_db_queries_per_request",
    "Database queries one request made: a growing tail is an N+1 query.",
    ["service"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 50, 100),
)
EMAILS = Counter(
    "subgraph_emails",
    "Emails handed to the mail server, by kind (verification, password_reset) and outcome "
    "(sent or failed). Counted by the process that sends them: the task worker.",
    ["service", "kind", "outcome"],
)

# A `_created` timestamp beside every counter and histogram doubles the series for no use here.
disable_created_metrics()

_operation_labels: set[str] = set()
_operation_labels_lock = threading.Lock()


def _service() -> str:
    return settings.SERVICE_NAME


def operation_label(operation_name: str | None) -> str:
    if not operation_name:
        return ANONYMOUS_OPERATION
    with _operation_labels_lock:
        if operation_name in _operation_labels:
            return operation_name
        if len(_operation_labels) < MAX_OPERATION_LABELS:
            _operation_labels.add(operation_name)
            return operation_name
    return OTHER_OPERATION


def record_request(
    *, method: str, route: str, status: int, duration_seconds: float, database_queries: int
) -> None:
    service = _service()
    method = method if method in HTTP_METHODS else "OTHER"
    HTTP_REQUESTS.labels(service, method, route, str(status)).inc()
    HTTP_REQUEST_DURATION.labels(service, method, route).observe(duration_seconds)
    DB_QUERIES.labels(service).inc(database_queries)
    DB_QUERIES_PER_REQUEST.labels(service).observe(database_queries)


def record_graphql_operation(
    *, operation_name: str | None, error_codes: Iterable[str], duration_seconds: float
) -> None:
    service = _service()
    operation = operation_label(operation_name)
    codes = list(error_codes)
    GRAPHQL_OPERATIONS.labels(service, operation, "errors" if codes else "ok").inc()
    GRAPHQL_OPERATION_DURATION.labels(service, operation).observe(duration_seconds)
    for code in codes:
        GRAPHQL_ERRORS.labels(service, operation, code).inc()


def record_email(*, kind: str, sent: bool) -> None:
    EMAILS.labels(_service(), kind, "sent" if sent else "failed").inc()


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    # Read on every scrape: the samples of all workers, alive or gone, from their files.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition of this service's metrics.

    Open like the health checks (router_secret.OPEN_PATH_PREFIXES): scrapers reach the subgraphs
    on the internal network, which only the router's port leaves.
    """
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def metrics_urlpatterns() -> list[URLPattern]:
    return [path("metrics", metrics_view, name="metrics")]
