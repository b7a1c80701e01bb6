"""`manage.py createsuperuser` with an email and a password."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.conftest import PASSWORD


@pytest.mark.django_db
def test_createsuperuser_creates_a_superuser_from_email_and_password(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, email="Root@Example.com", verbosity=0)

    superuser = User.objects.get()
    assert superuser.email == "root@example.com"
    assert (superuser.is_staff, superuser.is_superuser, superuser.is_active) == (True, True, True)
    assert superuser.check_password(PASSWORD)


@pytest.mark.django_db
def test_createsuperuser_needs_an_email() -> None:
    with pytest.raises(CommandError, match="email"):
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createsuperuser_stores_an_international_domain_in_its_ascii_form(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, email="root@bücher.example", verbosity=0)

    assert User.objects.get().email == "root@xn--bcher-kva.example"
