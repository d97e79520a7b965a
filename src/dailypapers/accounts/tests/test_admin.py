"""The admin for people: search, role and verification filters, adding with a password."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root@example.org", "root passphrase"))
    return client


@pytest.fixture
def people() -> None:
    User.objects.create_user("ada@example.org", display_name="Ada Lovelace", is_curator=True)
    User.objects.create_user(
        "grace@example.org", display_name="Grace Hopper", email_verified_at="2025-01-01T00:00Z"
    )


def test_staff_can_search_people_by_email_or_display_name(admin_client, people):
    by_name = admin_client.get("/admin/accounts/user/?q=lovelace")
    by_email = admin_client.get("/admin/accounts/user/?q=grace@")

    assert "ada@example.org" in by_name.text
    assert "grace@example.org" not in by_name.text
    assert "grace@example.org" in by_email.text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("is_curator__exact=1", "ada@example.org", "grace@example.org"),
        ("verified=yes", "grace@example.org", "ada@example.org"),
        ("verified=no", "ada@example.org", "grace@example.org"),
        ("is_staff__exact=1", "root@example.org", "ada@example.org"),
    ],
)
def test_people_can_be_filtered_by_role_and_verification(
    admin_client, people, query, shown, hidden
):
    response = admin_client.get(f"/admin/accounts/user/?{query}")

    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text


def test_staff_can_add_a_person_with_a_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "display_name": "New Person",
            "usable_password": "true",
            "password1": "a good long passphrase",
            "password2": "a good long passphrase",
        },
    )

    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.org")
    assert person.check_password("a good long passphrase")


def test_adding_an_address_that_differs_only_in_case_is_refused(admin_client, people):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ADA@example.org",
            "usable_password": "true",
            "password1": "a good long passphrase",
            "password2": "a good long passphrase",
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.text
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1


def test_the_change_page_shows_roles_and_verification(admin_client, people):
    ada = User.objects.get(email="ada@example.org")

    response = admin_client.get(f"/admin/accounts/user/{ada.pk}/change/")

    assert response.status_code == 200
    for field in ("is_curator", "is_staff", "email_verified_at", "display_name"):
        assert f'name="{field}' in response.text


def test_an_action_marks_addresses_verified(admin_client, people):
    ada = User.objects.get(email="ada@example.org")

    admin_client.post(
        "/admin/accounts/user/",
        {"action": "mark_verified", "_selected_action": [ada.pk]},
    )

    ada.refresh_from_db()
    assert ada.email_verified
