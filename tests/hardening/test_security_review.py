"""The security review's findings (issue 13), subgraph side: each one attacked as an outsider would,
on the real stack in production settings, or by starting a service as an operator would.

The client address finding (X-Forwarded-For) is tested in test_client_address.py, where a
subgraph is started exactly as `make up` starts it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import uuid
from typing import Any

import pytest

from subgraph_kit.keys import generate_private_key_pem
from tests.hardening.conftest import RATE_LIMITS_OFF, subgraph_headers
from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import REPO_ROOT, Stack

SERVICES = ("users", "posts")
POST_CREATE_LIMIT = 3
POST_UPDATE_LIMIT = 3
# The longest a logout, deactivation or demotion may take to reach every service.
MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60
CREATE_POST = "mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }"
UPDATE_POST = (
    "mutation ($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id } }"
)


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {
        "ROUTER_SHARED_SECRET": secrets.token_urlsafe(32),
        # Many sign-ups from one address, none of them about the account limits.
        **RATE_LIMITS_OFF,
        "RATE_LIMIT_POST_CREATE_PER_USER": f"{POST_CREATE_LIMIT}/h",
        "RATE_LIMIT_POST_UPDATE_PER_USER": f"{POST_UPDATE_LIMIT}/h",
    }


# --- 1. Production refuses to start unsafe ---------------------------------------------------


def production_environment(service: str) -> dict[str, str]:
    """Everything a subgraph needs with DEBUG off, as an operator would set it."""
    environment = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ROUTER_SHARED_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": f"{service}.internal",
        "CORS_ALLOWED_ORIGINS": "https://app.example.com",
        "JWT_ALGORITHM": "RS256",
    }
    if service == "users":
        environment["JWT_PRIVATE_KEY"] = generate_private_key_pem()
        # Account mail: the SMTP server, the sender and the frontend the links open.
        environment["EMAIL_HOST"] = "smtp.example.com"
        environment["DEFAULT_FROM_EMAIL"] = "accounts@example.com"
        environment["FRONTEND_BASE_URL"] = "https://app.example.com"
        environment["POSTS_INTERNAL_URL"] = "http://posts.internal:8000"
    else:
        environment["JWT_JWKS_URL"] = "http://users.internal:8000/.well-known/jwks.json"
    return environment


def manage(
    service: str, *arguments: str, environment: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO_ROOT / f"{service}_subgraph",
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    ("variable", "value"),
    [("ROUTER_SHARED_SECRET", ""), ("SECRET_KEY", "x"), ("SECRET_KEY", "short-secret-key")],
    ids=["no router secret", "one-character key", "short key"],
)
def test_an_unsafe_production_configuration_stops_start_up_naming_the_variable(
    service, variable, value
) -> None:
    result = manage(
        service, "check", environment={**production_environment(service), variable: value}
    )

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable} must" in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_the_production_settings_pass_djangos_deployment_checks(service) -> None:
    result = manage(
        service,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=production_environment(service),
    )

    assert result.returncode == 0, result.stdout + result.stderr


# --- 2. Privileges follow the account, not an old token --------------------------------------


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_an_access_token_outlives_a_demotion_by_minutes_not_hours(stack: Stack) -> None:
    token = claims(signup(stack)["access"])

    assert token["exp"] - token["iat"] <= MAX_ACCESS_TOKEN_LIFETIME_SECONDS


# --- 4. No schema hints in production through variables --------------------------------------


def test_a_misspelt_input_field_is_refused_without_suggesting_the_right_name(
    stack: Stack,
) -> None:
    access = signup(stack)["access"]

    response = stack.graphql(
        CREATE_POST,
        {"input": {"title": "Kept", "titl": "Misspelt"}},
        access_token=access,
        url=f"{stack.subgraph_url('posts')}/graphql",
        headers=subgraph_headers(stack),
    )

    errors = response.json()["errors"]
    assert "titl" in errors[0]["message"]
    assert all("Did you mean" not in error["message"] for error in errors), errors


# --- 7. Bounded writes --------------------------------------------------------------------------


def test_a_description_over_the_documented_maximum_is_bad_user_input(stack: Stack) -> None:
    access = signup(stack)["access"]

    body = stack.graphql(
        CREATE_POST, {"input": {"title": "Long", "description": "x" * 10_001}}, access_token=access
    ).json()

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "at most 10000 characters" in body["errors"][0]["message"]


def test_creating_and_updating_posts_is_rate_limited_per_user(stack: Stack) -> None:
    access = signup(stack)["access"]
    created = [
        stack.graphql(CREATE_POST, {"input": {"title": f"Post {n}"}}, access_token=access).json()
        for n in range(POST_CREATE_LIMIT + 1)
    ]
    post_id = created[0]["data"]["createPost"]["id"]
    updated = [
        stack.graphql(
            UPDATE_POST, {"id": post_id, "input": {"title": f"Title {n}"}}, access_token=access
        ).json()
        for n in range(POST_UPDATE_LIMIT + 1)
    ]

    for answers in (created, updated):
        assert [error_codes(body) for body in answers] == [[]] * (len(answers) - 1) + [
            ["RATE_LIMITED"]
        ]
        assert answers[-1]["errors"][0]["extensions"]["retryAfter"] > 0
    # Another user's writes count apart.
    other = signup(stack)["access"]
    body = stack.graphql(CREATE_POST, {"input": {"title": "Mine"}}, access_token=other).json()
    assert "errors" not in body, body


# --- 8. One account per mailbox -----------------------------------------------------------------


def test_both_spellings_of_an_international_domain_are_one_account(stack: Stack) -> None:
    local_part = f"user-{uuid.uuid4().hex[:8]}"
    signup(stack, f"{local_part}@bücher.example")

    again = call(
        stack,
        "Signup",
        {"input": {"email": f"{local_part}@xn--bcher-kva.example", "password": PASSWORD}},
    )
    login = call(
        stack,
        "Login",
        {"input": {"email": f"{local_part}@XN--BCHER-KVA.example", "password": PASSWORD}},
    )

    assert error_codes(again) == ["BAD_USER_INPUT"]
    assert login["data"]["login"]["user"]["email"] == f"{local_part}@xn--bcher-kva.example"


# --- 9. Passwords -------------------------------------------------------------------------------


def test_a_password_of_only_whitespace_is_refused(stack: Stack) -> None:
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"

    body = call(stack, "Signup", {"input": {"email": email, "password": " " * 8}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "whitespace" in body["errors"][0]["message"]
