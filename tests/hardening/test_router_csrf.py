"""What another website, or a visitor without a token, can make the router do or reveal.

- CSRF: a browser sends "simple" requests (a GET, or a POST as a form, text/plain or without a
  content type) to another site without a CORS preflight. Such a POST runs nothing unless it
  carries the x-graphql-csrf header, which no form can set; mutations never run over GET, and
  a GET query needs no header (urql's default): it carries no token and only reads. JSON POSTs,
  what every real client and GraphiQL send, need nothing extra.
- The schema stays private outside development: no introspection (unless ROUTER_INTROSPECTION
  is set), no GraphiQL, no "Did you mean ...?" suggestions. With ROUTER_DEVELOPMENT=true (make up)
  GraphiQL works, with introspection and suggestions.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from graphql import get_introspection_query

from tests.support.stack import Stack

CSRF_HEADER = "x-graphql-csrf"
ALLOWED_ORIGIN = "http://127.0.0.1:5173"  # CORS_ALLOWED_ORIGINS of the test stack
# What GraphiQL sends to load the schema.
GRAPHIQL_INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
    one_of=True,
)


def signup_mutation() -> str:
    email = f"csrf-{uuid.uuid4().hex[:12]}@example.com"
    return (
        f'mutation {{ signup(input: {{email: "{email}", password: "correct horse battery"}})'
        " { access } }"
    )


@pytest.fixture(scope="module")
def development_router(stack: Stack) -> str:
    return stack.start_router("router-development", {"ROUTER_DEVELOPMENT": "true"})


@pytest.fixture(scope="module")
def introspection_router(stack: Stack) -> str:
    return stack.start_router("router-introspection", {"ROUTER_INTROSPECTION": "true"})


def simple_post(url: str, content_type: str, mutation: str) -> httpx.Response:
    """What an HTML form (or a script without a preflight) on another site can send."""
    headers = {"Origin": "https://attacker.example"}
    if content_type == "application/x-www-form-urlencoded":
        return httpx.post(url, data={"query": mutation}, headers=headers, timeout=30)
    if content_type == "multipart/form-data":
        return httpx.post(url, files={"query": (None, mutation)}, headers=headers, timeout=30)
    return httpx.post(
        url,
        content=json.dumps({"query": mutation}),
        headers={**headers, "Content-Type": content_type},
        timeout=30,
    )


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
)
def test_a_simple_cross_site_post_cannot_run_a_mutation(stack: Stack, content_type: str) -> None:
    requests_before = stack.subgraph_requests()
    response = simple_post(f"{stack.router_url}/graphql", content_type, signup_mutation())
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert stack.subgraph_requests() == requests_before


def test_a_get_query_runs_without_the_csrf_header(stack: Stack) -> None:
    """urql's default: queries as GET with no extra header. A cross-site GET carries no token and
    can only read, and CORS keeps the answer from the other site."""
    response = httpx.get(
        f"{stack.router_url}/graphql", params={"query": "{ __typename }"}, timeout=30
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("headers", [{}, {CSRF_HEADER: "1"}], ids=["plain", "with the header"])
def test_a_mutation_never_runs_over_get(stack: Stack, headers: dict[str, str]) -> None:
    requests_before = stack.subgraph_requests()
    response = httpx.get(
        f"{stack.router_url}/graphql",
        params={"query": signup_mutation()},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 405
    assert stack.subgraph_requests() == requests_before


def test_a_post_without_a_content_type_cannot_run_a_mutation(stack: Stack) -> None:
    """fetch() with a Blob body sends no content type, and no preflight."""
    requests_before = stack.subgraph_requests()
    response = httpx.post(
        f"{stack.router_url}/graphql",
        content=json.dumps({"query": signup_mutation()}),
        headers={"Origin": "https://attacker.example"},
        timeout=30,
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    assert stack.subgraph_requests() == requests_before


def test_json_posts_need_no_extra_header(stack: Stack) -> None:
    response = stack.graphql(signup_mutation(), headers={"Origin": ALLOWED_ORIGIN})
    assert response.status_code == 200
    assert response.json()["data"]["signup"]["access"]


def test_browsers_may_send_the_csrf_header_from_an_allowed_origin(stack: Stack) -> None:
    preflight = httpx.options(
        f"{stack.router_url}/graphql",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": CSRF_HEADER,
        },
        timeout=30,
    )
    assert preflight.status_code in (200, 204)
    allowed = preflight.headers["access-control-allow-headers"].lower().split(",")
    assert CSRF_HEADER in [header.strip() for header in allowed]


def test_production_refuses_introspection(stack: Stack) -> None:
    for query in (GRAPHIQL_INTROSPECTION, '{ __type(name: "User") { fields { name } } }'):
        body = stack.graphql(query).json()
        assert body.get("data") is None
        assert "introspection has been disabled" in body["errors"][0]["message"]


def test_production_hides_field_suggestions(stack: Stack, development_router: str) -> None:
    typo = "{ me { emial } }"
    [production_error] = stack.graphql(typo).json()["errors"]
    assert 'Cannot query field "emial"' in production_error["message"]
    assert "Did you mean" not in production_error["message"]
    assert "email" not in production_error["message"].replace('"emial"', "")

    [development_error] = stack.graphql(typo, url=f"{development_router}/graphql").json()["errors"]
    assert 'Did you mean "email"' in development_error["message"]


# What Chromium and Firefox send when the address is typed in.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html"])
def test_production_serves_no_graphiql_but_a_page_saying_how_to_turn_it_on(
    stack: Stack, accept: str
) -> None:
    page = httpx.get(f"{stack.router_url}/graphql", headers={"Accept": accept}, timeout=30)
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "GraphiQL is off" in page.text
    assert "ROUTER_INTROSPECTION=true" in page.text
    assert "<script" not in page.text.lower()


@pytest.mark.parametrize("accept", [None, "application/json", "application/graphql-response+json"])
def test_api_clients_get_json_where_graphiql_is_off(stack: Stack, accept: str | None) -> None:
    with httpx.Client(timeout=30) as client:
        request = client.build_request(
            "GET", f"{stack.router_url}/graphql", params={"query": "{ __typename }"}
        )
        # httpx sends Accept: */* unless told otherwise; None: no Accept header at all.
        del request.headers["accept"]
        if accept:
            request.headers["accept"] = accept
        response = client.send(request)
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_development_serves_graphiql_with_introspection(development_router: str) -> None:
    url = f"{development_router}/graphql"
    page = httpx.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    # GraphiQL loads the schema with a JSON POST, then runs what the user types the same way.
    schema = httpx.post(url, json={"query": GRAPHIQL_INTROSPECTION}, timeout=30).json()
    assert "errors" not in schema, schema
    assert "User" in {type_["name"] for type_ in schema["data"]["__schema"]["types"]}


def test_introspection_can_be_enabled_in_production(introspection_router: str) -> None:
    url = f"{introspection_router}/graphql"
    body = httpx.post(url, json={"query": GRAPHIQL_INTROSPECTION}, timeout=30).json()
    assert "errors" not in body, body
    # Still production otherwise: no suggestions.
    [error] = httpx.post(url, json={"query": "{ me { emial } }"}, timeout=30).json()["errors"]
    assert "Did you mean" not in error["message"]
