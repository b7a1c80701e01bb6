"""Migration 0003 stores the domains of existing addresses in their IDNA (ASCII) form."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_rate_limit_counter")]
AFTER = [("accounts", "0003_email_domains_in_ascii")]


@pytest.mark.django_db(transaction=True)
def test_existing_addresses_move_to_ascii_domains_unless_that_address_is_taken() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_state = executor.loader.project_state(BEFORE)
    OldUser = old_state.apps.get_model("accounts", "User")
    for email in [
        "ada@bücher.example",
        "grace@xn--bcher-kva.example",
        "grace@bücher.example",
        "plain@example.com",
    ]:
        OldUser.objects.create(email=email, password="!")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "ada@xn--bcher-kva.example",
        # Left for an operator: its ASCII form is another account's.
        "grace@bücher.example",
        "grace@xn--bcher-kva.example",
        "plain@example.com",
    ]
