"""signup: creates a user and returns a token pair, through the real GraphQL endpoint."""

from __future__ import annotations

import pytest

from accounts.models import DUPLICATE_EMAIL_MESSAGE, User
from accounts.tests.conftest import PASSWORD, run_concurrently
from accounts.tests.operations import ME, SIGNUP
from subgraph_kit.testing import SubgraphClient, error_codes, execute_graphql


def signup_variables(email: str, password: str = PASSWORD) -> dict[str, object]:
    return {"input": {"email": email, "password": password}}


@pytest.mark.django_db
def test_signup_creates_the_user_and_returns_working_tokens(graphql) -> None:
    body = graphql(SIGNUP, signup_variables("Ada@Example.com"))

    assert "errors" not in body, body
    payload = body["data"]["signup"]
    user = User.objects.get()
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)
    # The user who has just signed up is the payload's viewer: their email is readable.
    assert payload["user"] == {
        "id": str(user.id),
        "email": "ada@example.com",
        # Under the default policy (optional) the address is unverified until the link is opened.
        "isVerified": False,
        "dateJoined": user.date_joined.isoformat(),
    }
    me = graphql(ME, access_token=payload["access"])
    assert me["data"]["me"]["id"] == str(user.id)
    assert payload["refresh"] != payload["access"]


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["ada@example.com", "ADA@example.COM", "  ada@Example.com "])
def test_an_email_registers_once_whatever_its_case(graphql, create_user, email: str) -> None:
    create_user(email="ada@example.com")

    body = graphql(SIGNUP, signup_variables(email))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == DUPLICATE_EMAIL_MESSAGE
    assert body["data"] is None
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("registered", "email"),
    [
        ("ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@xn--bcher-kva.example", "ADA@BÜCHER.example"),
    ],
)
def test_both_spellings_of_an_international_domain_register_once(
    graphql, create_user, registered: str, email: str
) -> None:
    create_user(email=registered)

    body = graphql(SIGNUP, signup_variables(email))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == DUPLICATE_EMAIL_MESSAGE
    assert list(User.objects.values_list("email", flat=True)) == ["ada@xn--bcher-kva.example"]


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "not-an-email", "ada@", "@example.com", "a b@example.com"])
def test_an_invalid_email_is_refused(graphql, email: str) -> None:
    body = graphql(SIGNUP, signup_variables(email))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "Enter a valid email address"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_email_longer_than_255_characters_is_refused(graphql) -> None:
    body = graphql(SIGNUP, signup_variables(f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 62}.io"))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "at most 255 characters" in body["errors"][0]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("k3#Lp9", "too short"),
        ("password123", "too common"),
        ("8203948571039", "entirely numeric"),
        ("x" * 100 + "Q7!" * 10, "too long"),
        ("ada.lovelace.example", "too similar to the email address"),
        (" " * 8, "only whitespace"),
        ("\t \n \u3000 \u00a0 ", "only whitespace"),
    ],
)
def test_a_password_the_validators_refuse_is_refused_with_the_reason(
    graphql, password: str, reason: str
) -> None:
    body = graphql(SIGNUP, signup_variables("ada.lovelace@example.com", password))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert reason in body["errors"][0]["message"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_password_of_128_characters_is_accepted(graphql) -> None:
    body = graphql(SIGNUP, signup_variables("ada@example.com", "Q7!x" * 32))

    assert "errors" not in body, body


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_with_one_email_register_exactly_one_user() -> None:
    def sign_up() -> dict[str, object]:
        return execute_graphql(SubgraphClient(), SIGNUP, signup_variables("race@example.com"))

    bodies = run_concurrently(6, sign_up)

    assert all(isinstance(body, dict) for body in bodies), bodies
    succeeded = [body for body in bodies if "errors" not in body]
    refused = [body for body in bodies if "errors" in body]
    assert len(succeeded) == 1
    for body in refused:
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["message"] == DUPLICATE_EMAIL_MESSAGE
    assert User.objects.filter(email="race@example.com").count() == 1
