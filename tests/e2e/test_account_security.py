"""Account security through the router: login guesses are rate limited, alias by alias, and a
password change or logoutAll ends every other session."""

from __future__ import annotations

import json
import uuid

from tests.support.client import PASSWORD, call, error_codes, signup
from tests.support.stack import Stack

NEW_PASSWORD = "another passphrase, longer still"


def test_login_guesses_are_rate_limited_even_as_aliases_of_one_request(stack: Stack) -> None:
    email = f"guessed-{uuid.uuid4().hex[:8]}@example.com"
    signup(stack, email)
    guesses = "\n".join(
        f"  guess{index}: login(input: {{email: {json.dumps(email)}, "
        f'password: "guess {index}"}}) {{ access }}'
        # The router refuses operations of more than 10 aliases (ROUTER_MAX_ALIASES).
        for index in range(10)
    )
    batch = f"mutation Guesses {{\n{guesses}\n}}"

    bodies = [stack.graphql(batch).json() for _ in range(6)]

    # Each batch stops at its first failed login, which counts: after five failures from one
    # address in 15 minutes (the default), the account refuses that address.
    assert [error_codes(body) for body in bodies] == [["UNAUTHENTICATED"]] * 5 + [["RATE_LIMITED"]]
    refused = bodies[5]["errors"][0]
    assert 0 < refused["extensions"]["retryAfter"] <= 30 * 60
    assert refused["message"].endswith(
        f"Try again in {refused['extensions']['retryAfter']} seconds."
    )
    right_password = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})
    assert error_codes(right_password) == ["RATE_LIMITED"]


def test_a_password_change_and_logout_all_end_the_other_sessions(stack: Stack) -> None:
    email = f"careful-{uuid.uuid4().hex[:8]}@example.com"
    laptop = signup(stack, email)
    phone = call(stack, "Login", {"input": {"email": email, "password": PASSWORD}})["data"]["login"]

    changed = call(
        stack,
        "ChangePassword",
        {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
        access_token=laptop["access"],
    )

    assert "errors" not in changed, changed
    for revoked in (laptop["refresh"], phone["refresh"]):
        assert error_codes(call(stack, "RefreshToken", {"refresh": revoked})) == ["UNAUTHENTICATED"]
    laptop = changed["data"]["changePassword"]
    logged_in = call(stack, "Login", {"input": {"email": email, "password": NEW_PASSWORD}})
    assert "errors" not in logged_in, logged_in

    assert call(stack, "LogoutAll", access_token=laptop["access"]) == {"data": {"logoutAll": True}}
    for refresh in (laptop["refresh"], logged_in["data"]["login"]["refresh"]):
        assert error_codes(call(stack, "RefreshToken", {"refresh": refresh})) == ["UNAUTHENTICATED"]
