import logging

import pytest
from django.test import override_settings

from subgraph_kit.router_secret import RouterSecretMiddleware, warn_that_the_secret_is_missing

pytestmark = pytest.mark.django_db

GREETING = {"query": "{ greeting }"}


def test_request_without_the_router_secret_is_refused_with_json(client):
    response = client.post("/graphql", {"query": "{ _service { sdl } }"}, "application/json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_request_with_a_wrong_secret_is_refused(client):
    response = client.post(
        "/graphql", GREETING, "application/json", headers={"X-Router-Secret": "nope"}
    )
    assert response.status_code == 403


def test_request_with_the_router_secret_passes(client):
    response = client.post(
        "/graphql",
        GREETING,
        "application/json",
        headers={"X-Router-Secret": "router-secret-for-tests"},
    )
    assert response.status_code == 200


def test_health_endpoints_stay_open(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok"}


@override_settings(ROUTER_SHARED_SECRET="")
def test_without_a_secret_everything_passes_and_start_up_warns(client, caplog):
    warn_that_the_secret_is_missing.cache_clear()
    with caplog.at_level(logging.WARNING, logger="subgraph_kit.router_secret"):
        RouterSecretMiddleware(lambda request: None)
        RouterSecretMiddleware(lambda request: None)
    assert caplog.text.count("ROUTER_SHARED_SECRET is not set") == 1
    assert client.post("/graphql", GREETING, "application/json").status_code == 200


@override_settings(ROUTER_SHARED_SECRET="new-secret", ROUTER_SHARED_SECRET_PREVIOUS="old-secret")
def test_during_a_rotation_the_current_and_the_previous_secret_both_pass(client):
    for secret in ("new-secret", "old-secret"):
        response = client.post(
            "/graphql", GREETING, "application/json", headers={"X-Router-Secret": secret}
        )
        assert response.status_code == 200, secret
    for refused in ("", "new-secret-and-more", "old", "router-secret-for-tests"):
        response = client.post(
            "/graphql", GREETING, "application/json", headers={"X-Router-Secret": refused}
        )
        assert response.status_code == 403, refused


@override_settings(ROUTER_SHARED_SECRET="new-secret", ROUTER_SHARED_SECRET_PREVIOUS="")
def test_once_the_previous_secret_is_dropped_it_is_refused(client):
    response = client.post(
        "/graphql", GREETING, "application/json", headers={"X-Router-Secret": "old-secret"}
    )
    assert response.status_code == 403


@override_settings(ROUTER_SHARED_SECRET="", ROUTER_SHARED_SECRET_PREVIOUS="old-secret")
def test_a_previous_secret_without_a_current_one_checks_nothing_and_warns(client, caplog):
    warn_that_the_secret_is_missing.cache_clear()
    with caplog.at_level(logging.WARNING, logger="subgraph_kit.router_secret"):
        RouterSecretMiddleware(lambda request: None)
    assert "ROUTER_SHARED_SECRET is not set" in caplog.text
    assert client.post("/graphql", GREETING, "application/json").status_code == 200
