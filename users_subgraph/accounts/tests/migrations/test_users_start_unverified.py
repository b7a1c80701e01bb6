"""Migration 0004 makes new users start unverified; users that exist keep their state."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_email_domains_in_ascii")]
AFTER = [("accounts", "0004_users_start_unverified")]


@pytest.mark.django_db(transaction=True)
def test_existing_users_keep_their_verification_state() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldUser = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    # Before, every user started verified (the old default).
    OldUser.objects.create(email="old@example.com", password="!")
    OldUser.objects.create(email="flagged@example.com", password="!", is_verified=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    states = dict(User.objects.values_list("email", "is_verified"))
    User.objects.create(email="new@example.com", password="!")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert states == {"old@example.com": True, "flagged@example.com": False}
    assert User.objects.get(email="new@example.com").is_verified is False
