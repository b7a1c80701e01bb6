"""`/graphql` outside Django's handler keeps what the API's Django middleware gave it."""

import logging

import pytest
from django.test import override_settings

from subgraph_kit.testing import SubgraphClient

pytestmark = pytest.mark.django_db

ROUTER_SECRET = {"X-Router-Secret": "router-secret-for-tests"}
GREETING = {"query": "{ greeting }"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def router() -> SubgraphClient:
    """A client that presents the router's secret."""
    return SubgraphClient(headers=ROUTER_SECRET)


def test_an_operation_is_answered(router):
    response = router.post("/graphql", GREETING, "application/json")

    assert response.status_code == 200
    assert response.json() == {"data": {"greeting": "hello"}}
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("secret", [ROUTER_SECRET, {}], ids=["answered", "refused"])
def test_every_response_has_the_security_headers(secret):
    response = SubgraphClient(headers=secret).post("/graphql", GREETING, "application/json")

    assert {name: response.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "Strict-Transport-Security" not in response


@override_settings(SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_only_on_requests_that_came_over_https(router):
    plain = router.post("/graphql", GREETING, "application/json")
    # The kit trusts the proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), as Django would.
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        secure = router.post(
            "/graphql", GREETING, "application/json", headers={"X-Forwarded-Proto": "https"}
        )

    assert "Strict-Transport-Security" not in plain
    assert secure["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_a_host_outside_allowed_hosts_is_refused_with_400(router, caplog):
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        response = router.post(
            "/graphql", GREETING, "application/json", headers={"Host": "evil.example"}
        )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "evil.example" in caplog.text


@override_settings(ALLOWED_HOSTS=["api.internal"], USE_X_FORWARDED_HOST=True)
def test_the_host_is_read_as_django_reads_it(router):
    # With USE_X_FORWARDED_HOST, the proxy's header is the host Django checks.
    allowed = router.post(
        "/graphql",
        GREETING,
        "application/json",
        headers={"Host": "evil.example", "X-Forwarded-Host": "api.internal"},
    )

    assert allowed.status_code == 200


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_djangos_upload_limit_is_refused_with_413(router):
    at_limit = {"query": "{ greeting }", "variables": {"pad": "x" * 940}}
    over = {"query": "{ greeting }", "variables": {"pad": "x" * 1000}}

    assert router.post("/graphql", at_limit, "application/json").status_code == 200
    response = router.post("/graphql", over, "application/json")

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_BODY_TOO_LARGE"


@override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_cors_follows_the_django_cors_headers_settings(router):
    preflight = router.options(
        "/graphql",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    allowed = router.post(
        "/graphql", GREETING, "application/json", headers={"Origin": "https://app.example.com"}
    )
    other = router.post(
        "/graphql", GREETING, "application/json", headers={"Origin": "https://evil.example"}
    )

    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in preflight["Access-Control-Allow-Headers"].lower()
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in other


def test_queries_over_get_and_the_ide_are_not_served(router):
    over_get = router.get("/graphql", {"query": "{ greeting }"})

    assert over_get.status_code == 400
    assert b"not allowed when using GET" in over_get.content
    assert router.get("/graphql", headers={"Accept": "text/html"}).status_code == 404
    assert router.put("/graphql", GREETING, "application/json").status_code == 405


def test_a_body_that_is_not_a_json_object_is_a_400(router):
    assert router.post("/graphql", "[1", "application/json").status_code == 400
    assert router.post("/graphql", "42", "application/json").status_code == 400
