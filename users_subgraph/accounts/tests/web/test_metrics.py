"""Prometheus metrics at /metrics, open like the health checks: the scraper sends no secret."""

from __future__ import annotations

import pytest

from accounts.tests.operations import ME


@pytest.mark.django_db
def test_metrics_describe_this_services_requests(graphql, client, settings) -> None:
    graphql(ME)
    settings.ROUTER_SHARED_SECRET = "router-only"
    response = client.get("/metrics")

    assert response.status_code == 200
    exposition = response.content.decode()
    errors = 'operation="Me",service="users"'
    assert f'subgraph_graphql_errors_total{{code="UNAUTHENTICATED",{errors}}}' in exposition
    assert 'route="/graphql",service="users",status="200"' in exposition
