"""No password or token a client sends or receives is written to the logs, at any level."""

from __future__ import annotations

from accounts.tests.conftest import PASSWORD
from accounts.tests.operations import CHANGE_PASSWORD, LOGIN, ME, REFRESH_TOKEN, SIGNUP
from subgraph_kit.testing import captured_logs

NEW_PASSWORD = "a brand new passphrase 42"
SIGNUP_PASSWORD = "another secret passphrase 7"


def test_passwords_and_tokens_stay_out_of_the_logs(graphql, user, settings) -> None:
    # With DEBUG on Django records every SQL statement with its parameters (hashes, refresh
    # tokens in the blacklist tables): those records must not be written either.
    settings.DEBUG = True
    with captured_logs() as output:
        tokens = graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD}})["data"][
            "login"
        ]
        graphql(LOGIN, {"input": {"email": user.email, "password": f"wrong {PASSWORD}"}})
        # graphql-core's error message quotes the whole invalid variable, password included.
        graphql(LOGIN, {"input": {"email": user.email, "password": PASSWORD, "otp": 1}})
        graphql(ME, access_token=tokens["access"])
        graphql(ME, access_token=f"{tokens['access']}x")
        refreshed = graphql(REFRESH_TOKEN, {"refresh": tokens["refresh"]})["data"]["refreshToken"]
        graphql(
            CHANGE_PASSWORD,
            {"input": {"oldPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
            access_token=refreshed["access"],
        )
        graphql(SIGNUP, {"input": {"email": "new@example.com", "password": SIGNUP_PASSWORD}})
    logs = output.getvalue()

    # The capture works: every request left its line.
    assert logs.count("POST /graphql 200") == 8
    issued_tokens = [tokens["access"], tokens["refresh"], refreshed["access"], refreshed["refresh"]]
    for secret in [PASSWORD, NEW_PASSWORD, SIGNUP_PASSWORD, *issued_tokens]:
        assert secret not in logs
