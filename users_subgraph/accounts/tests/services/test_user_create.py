"""user_create: the signup rules, below the GraphQL layer."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import User
from accounts.services import user_create
from accounts.tests.conftest import PASSWORD
from subgraph_kit.errors import BadUserInput
from users_subgraph import settings as service_settings


@pytest.mark.django_db
def test_user_create_normalises_the_email() -> None:
    user = user_create(email=" Ada@Example.COM", password=PASSWORD)

    assert User.objects.get(id=user.id).email == "ada@example.com"


@pytest.mark.django_db
def test_the_service_hashes_passwords_with_argon2() -> None:
    with override_settings(PASSWORD_HASHERS=service_settings.PASSWORD_HASHERS):
        user = user_create(email="ada@example.com", password=PASSWORD)
        assert user.check_password(PASSWORD)

    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_a_refused_password_lists_every_reason() -> None:
    with pytest.raises(BadUserInput) as refused:
        user_create(email="ada@example.com", password="1234")

    assert "too short" in refused.value.message
    assert "too common" in refused.value.message
    assert "entirely numeric" in refused.value.message


@pytest.mark.django_db
def test_a_failed_signup_changes_nothing(user) -> None:
    with pytest.raises(BadUserInput):
        user_create(email="ADA@example.com", password=PASSWORD)

    assert list(User.objects.values_list("email", flat=True)) == ["ada@example.com"]
