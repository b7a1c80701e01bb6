"""Liveness and readiness, open to orchestrators without credentials."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_and_readyz_answer(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok"}
