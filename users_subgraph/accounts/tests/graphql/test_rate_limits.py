"""Rate limits of login, signup and refreshToken, through the real view: every call counts,
each alias of one request included, and a refused call is RATE_LIMITED with a retry delay."""

from __future__ import annotations

import json
import re

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from accounts.services import token_pair_issue
from accounts.tests.conftest import PASSWORD, run_concurrently
from accounts.tests.operations import LOGIN, SIGNUP, aliased
from subgraph_kit.testing import SubgraphClient, error_codes, execute_graphql

RETRY_MESSAGE = re.compile(r"Try again in (\d+) seconds\.$")


def login_variables(email: str, password: str = PASSWORD) -> dict[str, object]:
    return {"input": {"email": email, "password": password}}


def login_arguments(email: str, password: str = PASSWORD) -> str:
    return f"input: {{email: {json.dumps(email)}, password: {json.dumps(password)}}}"


def codes_by_call(body: dict[str, object], calls: int) -> list[str | None]:
    """Each aliased call's error code, in call order; None for a call that did not fail."""
    codes: list[str | None] = [None] * calls
    for error in body.get("errors") or []:
        codes[int(error["path"][0].removeprefix("call"))] = error["extensions"]["code"]
    return codes


def codes_of(bodies: list[dict[str, object]]) -> list[list[str]]:
    return [error_codes(body) for body in bodies]


def test_each_alias_in_one_request_counts(graphql, user) -> None:
    logins = [login_arguments("ada@example.com")] * 21

    body = graphql(aliased("login", logins, "{ access }"))

    # LOGIN_PER_CLIENT defaults to 20 per minute; every call is an attempt, successful or not.
    assert codes_by_call(body, 21) == [None] * 20 + ["RATE_LIMITED"]
    refused = body["errors"][0]
    assert refused["message"].startswith("Too many login attempts from this address. Try again in ")
    retry_after = refused["extensions"]["retryAfter"]
    assert isinstance(retry_after, int)
    assert 0 < retry_after <= 2 * 60
    assert RETRY_MESSAGE.search(refused["message"])[1] == str(retry_after)
    assert OutstandingToken.objects.filter(user=user).count() == 20


def test_aliased_guesses_try_no_more_passwords_than_single_requests(graphql, user) -> None:
    guesses = [login_arguments("ada@example.com", f"guess {index}") for index in range(20)]

    batches = [graphql(aliased("login", guesses, "{ access }")) for _ in range(6)]

    # A failed call ends its batch (login is non-null) and counts as a failure: five failures
    # per 15 minutes (LOGIN_FAILURES_PER_EMAIL_AND_CLIENT), then every batch is refused.
    assert codes_of(batches) == [["UNAUTHENTICATED"]] * 5 + [["RATE_LIMITED"]]
    refused = batches[5]["errors"][0]
    assert refused["message"].startswith(
        "Too many failed logins to this account from this address. Try again in "
    )
    assert 0 < refused["extensions"]["retryAfter"] <= 30 * 60


@pytest.mark.django_db
def test_attempts_on_many_emails_are_limited_per_client(graphql) -> None:
    bodies = [graphql(LOGIN, login_variables(f"user{index}@example.com")) for index in range(21)]

    # LOGIN_PER_CLIENT defaults to 20 per minute.
    assert codes_of(bodies) == [["UNAUTHENTICATED"]] * 20 + [["RATE_LIMITED"]]
    assert bodies[20]["errors"][0]["message"].startswith(
        "Too many login attempts from this address."
    )


def test_the_owner_logs_in_from_another_address_while_one_address_is_refused(
    graphql_from, user
) -> None:
    for _ in range(5):
        graphql_from("198.51.100.7", LOGIN, login_variables("ada@example.com", "wrong password"))

    refused = graphql_from("198.51.100.7", LOGIN, login_variables("ada@example.com"))
    elsewhere = graphql_from("192.0.2.10", LOGIN, login_variables("ada@example.com"))

    assert error_codes(refused) == ["RATE_LIMITED"]
    assert "errors" not in elsewhere, elsewhere


def test_failures_from_many_addresses_refuse_new_addresses_not_the_owners_known_one(
    graphql_from, user, set_rate_limits
) -> None:
    set_rate_limits(LOGIN_FAILURES_PER_EMAIL="3/h")
    assert "errors" not in graphql_from("192.0.2.10", LOGIN, login_variables("ada@example.com"))
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        failed = graphql_from(address, LOGIN, login_variables("ada@example.com", "wrong password"))
        assert error_codes(failed) == ["UNAUTHENTICATED"]

    new_address = graphql_from("198.51.100.4", LOGIN, login_variables("ada@example.com"))
    known_address = graphql_from("192.0.2.10", LOGIN, login_variables("ada@example.com"))

    assert error_codes(new_address) == ["RATE_LIMITED"]
    assert new_address["errors"][0]["message"].startswith("Too many failed logins to this account.")
    # The owner has logged in from there before: the email's overall limit does not apply.
    assert "errors" not in known_address, known_address


@pytest.mark.parametrize("email", ["ada@example.com", "nobody@example.com"])
def test_an_unknown_email_is_limited_like_a_registered_one(graphql, user, email: str) -> None:
    # Otherwise RATE_LIMITED, or its absence, would tell which emails have an account.
    bodies = [graphql(LOGIN, login_variables(email, "wrong password")) for _ in range(6)]

    assert codes_of(bodies) == [["UNAUTHENTICATED"]] * 5 + [["RATE_LIMITED"]]


def test_successful_logins_do_not_count_as_failures(graphql, user, set_rate_limits) -> None:
    set_rate_limits(LOGIN_FAILURES_PER_EMAIL_AND_CLIENT="2/15min")
    passwords = [PASSWORD] * 10 + ["wrong password"] * 3

    bodies = [
        graphql(LOGIN, login_variables("ada@example.com", password)) for password in passwords
    ]

    assert codes_of(bodies) == [[]] * 10 + [["UNAUTHENTICATED"]] * 2 + [["RATE_LIMITED"]]


def test_a_refused_login_is_allowed_again_after_retry_after(graphql, user, clock) -> None:
    for _ in range(5):
        graphql(LOGIN, login_variables("ada@example.com", "wrong password"))
    refused = graphql(LOGIN, login_variables("ada@example.com"))
    retry_after = refused["errors"][0]["extensions"]["retryAfter"]

    clock.advance(retry_after - 2)
    too_early = graphql(LOGIN, login_variables("ada@example.com"))
    clock.advance(2)
    on_time = graphql(LOGIN, login_variables("ada@example.com"))

    assert error_codes(too_early) == ["RATE_LIMITED"]
    assert "errors" not in on_time, on_time


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_stop_exactly_at_the_limit(create_user, set_rate_limits) -> None:
    set_rate_limits(LOGIN_FAILURES_PER_EMAIL_AND_CLIENT="3/15min")
    create_user()

    def guess() -> dict[str, object]:
        return execute_graphql(
            SubgraphClient(), LOGIN, login_variables("ada@example.com", "wrong password")
        )

    bodies = run_concurrently(8, guess)

    assert all(isinstance(body, dict) for body in bodies), bodies
    assert sorted(error_codes(body)[0] for body in bodies) == (
        ["RATE_LIMITED"] * 5 + ["UNAUTHENTICATED"] * 3
    )


@pytest.mark.django_db
def test_signups_are_limited_per_client(graphql) -> None:
    signups = [
        f'input: {{email: "user{index}@example.com", password: "{PASSWORD}"}}'
        for index in range(21)
    ]

    body = graphql(aliased("signup", signups, "{ access }"))

    # SIGNUP_PER_CLIENT defaults to 20 per hour.
    assert codes_by_call(body, 21) == [None] * 20 + ["RATE_LIMITED"]
    assert body["errors"][0]["message"].startswith("Too many signups from this address.")
    assert User.objects.count() == 20


@pytest.mark.django_db
def test_signups_with_one_email_are_limited_whatever_the_address(graphql_from) -> None:
    addresses = [f"192.0.2.{index}" for index in range(11)]

    bodies = [
        graphql_from(address, SIGNUP, login_variables("ada@example.com")) for address in addresses
    ]

    # SIGNUP_PER_EMAIL defaults to 10 per hour.
    assert codes_of(bodies) == [[]] + [["BAD_USER_INPUT"]] * 9 + [["RATE_LIMITED"]]
    assert bodies[10]["errors"][0]["message"].startswith("Too many signups with this email.")


def test_refreshes_are_limited_per_client(graphql, user, set_rate_limits) -> None:
    set_rate_limits(REFRESH_PER_CLIENT="3/min")
    refresh_tokens = [token_pair_issue(user=user).refresh for _ in range(4)]

    body = graphql(
        aliased("refreshToken", [f'refresh: "{token}"' for token in refresh_tokens], "{ access }")
    )

    assert codes_by_call(body, 4) == [None, None, None, "RATE_LIMITED"]
    assert body["errors"][0]["message"].startswith("Too many token refreshes from this address.")


def test_a_limit_set_to_off_counts_nothing(graphql, user, set_rate_limits) -> None:
    set_rate_limits(LOGIN_PER_CLIENT="off")

    body = graphql(aliased("login", [login_arguments("ada@example.com")] * 30, "{ access }"))

    assert "errors" not in body, body


class TestClientAddress:
    """Per-client limits count the address the router saw (X-Client-IP), when only the router
    can reach the service."""

    SECRET = "router-secret-for-tests"

    def attempts_from(self, client_ip: str, count: int, **headers: str) -> list[list[str]]:
        return [
            error_codes(
                execute_graphql(
                    SubgraphClient(),
                    LOGIN,
                    login_variables(f"user{index}@example.com"),
                    headers={"X-Client-IP": client_ip, **headers},
                )
            )
            for index in range(count)
        ]

    @pytest.mark.django_db
    def test_with_the_router_secret_set_the_routers_client_address_counts(self, settings) -> None:
        settings.ROUTER_SHARED_SECRET = self.SECRET
        router = {"X-Router-Secret": self.SECRET}

        first_client = self.attempts_from("203.0.113.5", 21, **router)
        second_client = self.attempts_from("203.0.113.6", 1, **router)

        assert first_client[-1] == ["RATE_LIMITED"]
        assert second_client == [["UNAUTHENTICATED"]]

    @pytest.mark.django_db
    def test_without_the_router_secret_the_header_is_ignored(self) -> None:
        first_client = self.attempts_from("203.0.113.5", 20)
        # Anyone could send the header: the peer address, the same for both, counts.
        second_client = self.attempts_from("203.0.113.6", 1)

        assert first_client == [["UNAUTHENTICATED"]] * 20
        assert second_client == [["RATE_LIMITED"]]


def test_case_variants_of_an_email_share_its_limits(graphql, user) -> None:
    variants = ["ada@example.com", "ADA@example.com", " Ada@Example.COM "] * 2

    bodies = [graphql(LOGIN, login_variables(email, "wrong password")) for email in variants]

    assert codes_of(bodies) == [["UNAUTHENTICATED"]] * 5 + [["RATE_LIMITED"]]
