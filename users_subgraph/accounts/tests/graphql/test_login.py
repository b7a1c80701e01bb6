"""login: checks credentials and returns a token pair; one message for every wrong credential."""

from __future__ import annotations

from unittest import mock

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, MD5PasswordHasher

from accounts.services import EMAIL_NOT_VERIFIED_MESSAGE, INVALID_CREDENTIALS_MESSAGE
from accounts.tests.conftest import PASSWORD
from accounts.tests.operations import LOGIN, ME
from subgraph_kit.testing import error_codes
from users_subgraph.settings.passwords import PASSWORD_HASHERS


def login_variables(email: str, password: str = PASSWORD) -> dict[str, object]:
    return {"input": {"email": email, "password": password}}


@pytest.mark.parametrize("email", ["ada@example.com", "ADA@Example.com"])
def test_login_returns_working_tokens(graphql, user, email: str) -> None:
    body = graphql(LOGIN, login_variables(email))

    assert "errors" not in body, body
    payload = body["data"]["login"]
    assert payload["user"]["id"] == str(user.id)
    assert payload["user"]["email"] == "ada@example.com"
    assert graphql(ME, access_token=payload["access"])["data"]["me"]["id"] == str(user.id)


@pytest.mark.parametrize("email", ["ada@bücher.example", "Ada@XN--BCHER-KVA.example"])
def test_login_accepts_either_spelling_of_an_international_domain(
    graphql, create_user, email: str
) -> None:
    user = create_user(email="ada@bücher.example")

    body = graphql(LOGIN, login_variables(email))

    assert "errors" not in body, body
    payload = body["data"]["login"]["user"]
    assert (payload["id"], payload["email"]) == (str(user.id), "ada@xn--bcher-kva.example")


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
        ("ada@example.com", ""),
        ("ada@example.com", PASSWORD + "x" * 200),
    ],
)
def test_wrong_credentials_give_one_message(graphql, user, email: str, password: str) -> None:
    body = graphql(LOGIN, login_variables(email, password))

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == INVALID_CREDENTIALS_MESSAGE
    assert body["data"] is None


@pytest.mark.django_db
def test_an_unknown_email_still_costs_one_password_hash(graphql) -> None:
    # Without it, a fast answer would tell that no account has this email.
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as encode:
        body = graphql(LOGIN, login_variables("nobody@example.com"))

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert encode.call_count == 1


def test_an_inactive_user_cannot_log_in(graphql, create_user) -> None:
    create_user(email="gone@example.com", is_active=False)

    body = graphql(LOGIN, login_variables("gone@example.com"))

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == INVALID_CREDENTIALS_MESSAGE


@pytest.mark.usefixtures("mandatory_verification")
def test_under_mandatory_verification_an_unverified_user_cannot_log_in(
    graphql, create_user
) -> None:
    create_user(email="new@example.com", is_verified=False)

    body = graphql(LOGIN, login_variables("new@example.com"))

    assert error_codes(body) == ["EMAIL_NOT_VERIFIED"]
    assert body["errors"][0]["message"] == EMAIL_NOT_VERIFIED_MESSAGE


@pytest.mark.usefixtures("mandatory_verification")
def test_refusing_an_unverified_user_is_no_failed_login(
    graphql, create_user, set_rate_limits
) -> None:
    set_rate_limits(LOGIN_FAILURES_PER_EMAIL_AND_CLIENT="2/15min")
    user = create_user(email="new@example.com", is_verified=False)

    refusals = [graphql(LOGIN, login_variables("new@example.com")) for _ in range(3)]
    user.is_verified = True
    user.save()

    # The right password each time: the owner is not locked out once the address is verified.
    assert [error_codes(body) for body in refusals] == [["EMAIL_NOT_VERIFIED"]] * 3
    assert "errors" not in graphql(LOGIN, login_variables("new@example.com"))


@pytest.mark.parametrize("policy", ["none", "optional"])
def test_unless_verification_is_mandatory_an_unverified_user_logs_in(
    graphql, create_user, settings, policy
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = policy
    create_user(email="new@example.com", is_verified=False)

    body = graphql(LOGIN, login_variables("new@example.com"))

    assert "errors" not in body, body
    assert body["data"]["login"]["user"]["isVerified"] is False


@pytest.mark.usefixtures("mandatory_verification")
def test_an_unverified_superuser_can_log_in(graphql, create_user) -> None:
    create_user(email="root@example.com", is_verified=False, is_staff=True, is_superuser=True)

    body = graphql(LOGIN, login_variables("root@example.com"))

    assert "errors" not in body, body


def test_a_password_hashed_with_djangos_argon2_defaults_logs_in_and_is_upgraded(
    graphql, user, settings
) -> None:
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    # What Django's own Argon2 hasher stored before: 100 MiB, 8 lanes.
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])

    body = graphql(LOGIN, login_variables("ada@example.com"))

    assert "errors" not in body, body
    user.refresh_from_db()
    parameters = argon2.extract_parameters(user.password.removeprefix("argon2"))
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert "errors" not in graphql(LOGIN, login_variables("ada@example.com"))
