"""Prometheus metrics at /metrics, open like the health checks: the scraper sends no secret."""

import pytest

MY_POSTS = "query MyPosts { myPosts { totalCount } }"


@pytest.mark.django_db
def test_metrics_describe_this_services_requests(graphql, client, settings):
    graphql(MY_POSTS)
    settings.ROUTER_SHARED_SECRET = "router-only"
    response = client.get("/metrics")

    assert response.status_code == 200
    exposition = response.content.decode()
    errors = 'operation="MyPosts",service="posts"'
    assert f'subgraph_graphql_errors_total{{code="UNAUTHENTICATED",{errors}}}' in exposition
    assert 'route="/graphql",service="posts",status="200"' in exposition
