"""Prometheus metrics at /metrics: requests, latency, GraphQL outcomes and errors, SQL queries."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from subgraph_kit import metrics
from subgraph_kit.testing import SubgraphClient

pytestmark = pytest.mark.django_db

ROUTER_SECRET = {"X-Router-Secret": "router-secret-for-tests"}
KIT_DIR = Path(__file__).resolve().parents[1]


def samples_of(exposition: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def scrape() -> dict[tuple[str, frozenset], float]:
    response = SubgraphClient().get("/metrics")
    assert response.status_code == 200
    return samples_of(response.content.decode())


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset({"service": "kit", **labels}.items())), 0.0)


class Increase:
    """How much samples grow while the `with` block runs, read from /metrics."""

    def __enter__(self) -> "Increase":
        self.before = scrape()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.after = scrape()

    def __call__(self, name: str, **labels: str) -> float:
        return value(self.after, name, **labels) - value(self.before, name, **labels)


def post_operation(query: str) -> None:
    SubgraphClient(headers=ROUTER_SECRET).post("/graphql", {"query": query}, "application/json")


def test_metrics_are_open_without_the_router_secret():
    response = SubgraphClient().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert SubgraphClient().post("/graphql", {}, "application/json").status_code == 403


def test_requests_are_counted_and_timed_by_route_method_and_status():
    with Increase() as increase:
        post_operation("query Greeting { greeting }")
        SubgraphClient().post("/graphql", {}, "application/json")
        SubgraphClient(headers=ROUTER_SECRET).get("/no/such/page/123")
    route = {"method": "POST", "route": "/graphql"}
    assert increase("subgraph_http_requests_total", **route, status="200") == 1
    # Timed by route and method: the operation and the refusal.
    assert increase("subgraph_http_request_duration_seconds_count", **route) == 2
    refused = {"method": "POST", "route": "/graphql", "status": "403"}
    assert increase("subgraph_http_requests_total", **refused) == 1
    # Unknown paths share one label value: clients cannot create series.
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert increase("subgraph_http_requests_total", **unmatched) == 1


def test_graphql_operations_and_errors_are_counted_by_operation_and_code():
    with Increase() as increase:
        post_operation("query Greeting { greeting }")
        post_operation("query Missing { missing }")
        post_operation("query Broken { broken }")
        post_operation("query Invalid { noSuchField }")
        post_operation("query Unparsable {")
        post_operation("{ greeting total: groupCount greeting }")
    operations = "subgraph_graphql_operations_total"
    assert increase(operations, operation="Greeting", outcome="ok") == 1
    # The router sends anonymous operations: their root fields tell them apart.
    assert increase(operations, operation="{greeting,groupCount}", outcome="ok") == 1
    assert increase(operations, operation="Missing", outcome="errors") == 1
    errors = "subgraph_graphql_errors_total"
    assert increase(errors, operation="Missing", code="NOT_FOUND") == 1
    assert increase(errors, operation="Broken", code="INTERNAL_SERVER_ERROR") == 1
    assert increase(errors, operation="Invalid", code="GRAPHQL_VALIDATION_FAILED") == 1
    # An unparsable document names no operation.
    assert increase(errors, operation="anonymous", code="GRAPHQL_PARSE_FAILED") == 1
    assert increase("subgraph_graphql_operation_duration_seconds_count", operation="Greeting") == 1


def test_database_queries_are_counted_per_request():
    with Increase() as increase:
        post_operation("query CountGroups { groupCount }")
    assert increase("subgraph_db_queries_total") == 2
    # The two-query request, and the first scrape (none).
    assert increase("subgraph_db_queries_per_request_count") == 2
    assert increase("subgraph_db_queries_per_request_bucket", le="1.0") == 1
    assert increase("subgraph_db_queries_per_request_bucket", le="2.0") == 2


def test_operation_names_past_the_limit_share_one_label(monkeypatch):
    monkeypatch.setattr(metrics, "MAX_OPERATION_LABELS", 1)
    monkeypatch.setattr(metrics, "_operation_labels", set())
    with Increase() as increase:
        post_operation("query First { greeting }")
        post_operation("query Second { greeting }")
    operations = "subgraph_graphql_operations_total"
    assert increase(operations, operation="First", outcome="ok") == 1
    assert increase(operations, operation="other", outcome="ok") == 1
    assert increase(operations, operation="Second", outcome="ok") == 0


WORKER = """
import django
from django.test import Client
django.setup()
response = Client().get({path!r})
print(response.content.decode())
"""


def test_with_a_multiprocess_directory_every_workers_samples_are_served(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }

    def start_worker(path: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER.format(path=path)],
            cwd=KIT_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    workers = [start_worker("/healthz"), start_worker("/healthz")]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    # A third process answers the scrape with the two others' requests.
    scraper = start_worker("/metrics")
    exposition, _ = scraper.communicate(timeout=60)
    assert scraper.returncode == 0
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(samples_of(exposition), "subgraph_http_requests_total", **healthz) == 2
