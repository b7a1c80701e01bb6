"""The user model and its manager: email normalisation, uniqueness, superusers."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from accounts.models import User


@pytest.mark.django_db
def test_create_user_stores_the_email_lowercased_and_hashes_the_password() -> None:
    user = User.objects.create_user(email="  Ada.Lovelace@Example.COM ", password="s3cret-enough")

    user.refresh_from_db()
    assert user.email == "ada.lovelace@example.com"
    assert user.check_password("s3cret-enough")
    assert user.password != "s3cret-enough"
    # Unverified until the owner proves the address (accounts.services.email_verify).
    assert (user.is_active, user.is_verified, user.is_staff, user.is_superuser) == (
        True,
        False,
        False,
        False,
    )
    assert user.date_joined is not None


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@XN--BCHER-KVA.example", "ada@xn--bcher-kva.example"),
        (" Ada@Bücher.Example ", "ada@xn--bcher-kva.example"),
        # The local part is kept, non-ASCII characters included (lowercased like any other).
        ("Jürgen@example.com", "jürgen@example.com"),
        # A domain IDNA refuses stays as it is, for the email validator to reject.
        ("ada@bad..example", "ada@bad..example"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_normalize_email_stores_international_domains_in_their_ascii_form(
    email: str, stored: str
) -> None:
    assert User.objects.normalize_email(email) == stored


@pytest.mark.django_db
def test_login_lookups_match_the_email_case_insensitively(user) -> None:
    assert User.objects.get_by_natural_key("ADA@example.com") == user


@pytest.mark.django_db
def test_the_database_refuses_an_email_that_is_not_lowercase(user) -> None:
    # Every write path, even one skipping the model's normalisation, keeps emails comparable.
    with pytest.raises(IntegrityError):
        User.objects.filter(id=user.id).update(email="Ada@example.com")


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_email(user) -> None:
    with pytest.raises(IntegrityError):
        User.objects.create(email="ada@example.com")


@pytest.mark.django_db
def test_create_superuser_sets_the_staff_and_superuser_flags() -> None:
    admin = User.objects.create_superuser(email="Root@Example.com", password="s3cret-enough")

    assert (admin.email, admin.is_staff, admin.is_superuser) == ("root@example.com", True, True)
    assert admin.check_password("s3cret-enough")


@pytest.mark.django_db
def test_a_superuser_needs_a_password() -> None:
    with pytest.raises(ValueError, match="needs a password"):
        User.objects.create_superuser(email="root@example.com", password=None)
    assert not User.objects.exists()


def test_the_table_is_named_user_and_ids_are_uuids() -> None:
    assert User._meta.db_table == "user"
    assert User._meta.pk.get_internal_type() == "UUIDField"
    assert User.USERNAME_FIELD == "email"
