"""user_login below the GraphQL layer: the database connection is not held while hashing."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection

from accounts.services import user_login
from accounts.tests.conftest import PASSWORD
from subgraph_kit.errors import Unauthenticated


def connection_held_while(method: str) -> tuple[mock.MagicMock, list[bool]]:
    """A patch of the test hasher's `method` recording whether a connection was open each call."""
    held: list[bool] = []
    original = getattr(MD5PasswordHasher, method)

    def record(self: MD5PasswordHasher, *args: str) -> object:
        held.append(connection.connection is not None)
        return original(self, *args)

    return mock.patch.object(MD5PasswordHasher, method, record), held


# Outside a test transaction, as in production: inside one the connection must stay.
@pytest.mark.django_db(transaction=True)
def test_login_checks_the_password_without_holding_a_database_connection(create_user) -> None:
    create_user()
    patch, held = connection_held_while("verify")

    with patch:
        authentication = user_login(
            email="ada@example.com", password=PASSWORD, client_address="192.0.2.1"
        )

    assert authentication.user.email == "ada@example.com"
    assert held == [False]


@pytest.mark.django_db(transaction=True)
def test_an_unknown_email_is_hashed_without_holding_a_database_connection() -> None:
    patch, held = connection_held_while("encode")

    with patch, pytest.raises(Unauthenticated):
        user_login(email="nobody@example.com", password=PASSWORD, client_address="192.0.2.1")

    assert held == [False]
