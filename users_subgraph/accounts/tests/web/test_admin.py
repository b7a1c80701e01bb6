"""The admin's user pages, as a superuser uses them (and a staff user who may only view)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.conftest import PASSWORD, run_queued_tasks
from accounts.tests.mail import token_in
from accounts.tests.operations import VERIFY_EMAIL
from subgraph_kit.testing import SubgraphClient, execute_graphql


@pytest.fixture
def admin_client(create_user) -> SubgraphClient:
    superuser = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    client = SubgraphClient()
    client.force_login(superuser)
    return client


def test_the_user_list_shows_users_and_their_flags(admin_client, create_user) -> None:
    create_user(email="ada@example.com")
    create_user(email="grace@example.com", is_verified=False)

    response = admin_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "ada@example.com" in page
    assert "grace@example.com" in page
    assert "Verified" in page


def test_the_user_list_searches_by_email(admin_client, create_user) -> None:
    create_user(email="ada@example.com")
    create_user(email="grace@example.com")

    response = admin_client.get("/admin/accounts/user/", {"q": "GRACE"})

    assert response.status_code == 200
    assert "grace@example.com" in response.content.decode()
    assert "ada@example.com" not in response.content.decode()


def test_the_change_form_edits_the_email_and_flags(admin_client, create_user) -> None:
    user = create_user(email="ada@example.com")
    assert admin_client.get(f"/admin/accounts/user/{user.id}/change/").status_code == 200

    response = admin_client.post(
        f"/admin/accounts/user/{user.id}/change/",
        {"email": "Ada.Lovelace@Example.com", "is_active": "on", "is_staff": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (user.email, user.is_active, user.is_verified, user.is_staff) == (
        "ada.lovelace@example.com",
        True,
        False,
        True,
    )


def test_the_change_form_refuses_an_email_taken_in_another_case(admin_client, create_user) -> None:
    create_user(email="ada@example.com")
    grace = create_user(email="grace@example.com")

    response = admin_client.post(
        f"/admin/accounts/user/{grace.id}/change/", {"email": "ADA@example.com", "is_active": "on"}
    )

    assert response.status_code == 200
    assert "There is already a registered user with this email" in response.content.decode()
    grace.refresh_from_db()
    assert grace.email == "grace@example.com"


def test_the_change_form_refuses_the_other_spelling_of_a_taken_address(
    admin_client, create_user
) -> None:
    create_user(email="ada@bücher.example")
    grace = create_user(email="grace@example.com")

    response = admin_client.post(
        f"/admin/accounts/user/{grace.id}/change/",
        {"email": "ada@xn--bcher-kva.example", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "There is already a registered user with this email" in response.content.decode()


def test_the_password_form_changes_the_password(admin_client, create_user) -> None:
    user = create_user(email="ada@example.com")
    url = f"/admin/accounts/user/{user.id}/password/"
    assert admin_client.get(url).status_code == 200

    new_password = "an even longer passphrase"
    response = admin_client.post(
        url, {"password1": new_password, "password2": new_password, "usable_password": "true"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_the_add_form_creates_a_user_with_validated_password(admin_client) -> None:
    assert admin_client.get("/admin/accounts/user/add/").status_code == 200

    refused = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    created = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New@Example.com",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert refused.status_code == 200
    assert "This password is too common" in refused.content.decode()
    assert created.status_code == 302
    assert User.objects.get(email="new@example.com").check_password(PASSWORD)


@pytest.mark.django_db
def test_the_admin_requires_a_staff_login(client) -> None:
    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_login_form_accepts_the_email_in_any_case(client, create_user) -> None:
    User.objects.create_superuser(email="root@example.com", password=PASSWORD)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "ROOT@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_user_list_filters_by_verification(admin_client, create_user) -> None:
    create_user(email="ada@example.com", is_verified=True)
    create_user(email="grace@example.com")

    page = admin_client.get("/admin/accounts/user/", {"is_verified__exact": "0"}).content.decode()

    assert "grace@example.com" in page
    assert "ada@example.com" not in page


def test_the_resend_action_mails_the_selected_unverified_users(admin_client, create_user) -> None:
    selected = [
        create_user(email="grace@example.com"),
        create_user(email="ada@example.com", is_verified=True),
        create_user(email="gone@example.com", is_active=False),
    ]
    create_user(email="other@example.com")

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "resend_verification_email", "_selected_action": [u.pk for u in selected]},
        follow=True,
    )
    run_queued_tasks()

    assert response.status_code == 200
    assert (
        "Verification email queued for 1 user(s); 2 skipped (already verified or inactive)."
        in response.content.decode()
    )
    [message] = mail.outbox
    assert message.to == ["grace@example.com"]
    token = token_in(message.body, path="/verify-email")
    assert execute_graphql(SubgraphClient(), VERIFY_EMAIL, {"token": token})["data"]["verifyEmail"]
    assert User.objects.get(email="grace@example.com").is_verified is True


def test_the_resend_action_needs_the_change_permission(create_user) -> None:
    viewer = create_user(email="viewer@example.com", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = SubgraphClient()
    client.force_login(viewer)
    grace = create_user(email="grace@example.com")

    response = client.post(
        "/admin/accounts/user/",
        {"action": "resend_verification_email", "_selected_action": [grace.pk]},
    )

    assert response.status_code == 200  # The list again, with "No action selected".
    assert not DBTaskResult.objects.exists()
