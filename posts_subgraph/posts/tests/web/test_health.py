import pytest


def test_healthz_answers_without_a_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_graphql_serves_no_ide_and_no_get_queries(client):
    # The router's explorer is the only IDE; GET would let a link run an operation.
    assert client.get("/graphql", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/graphql", {"query": "{ __typename }"}).status_code == 400
