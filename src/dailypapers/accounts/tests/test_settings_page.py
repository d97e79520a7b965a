"""The settings page: display name, verification status and link, password change."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def ada(client) -> User:
    user = User.objects.create_user("ada@example.org", PASSWORD, display_name="Ada")
    client.force_login(user)
    return user


def test_settings_need_a_login(client):
    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/settings/"


def test_a_new_display_name_is_saved_trimmed(client, ada):
    response = client.post("/accounts/settings/", {"display_name": "  Ada   Lovelace "})

    assert response["Location"] == "/accounts/settings/?saved=1"
    assert "Your display name is saved" in client.get(response["Location"]).text
    ada.refresh_from_db()
    assert ada.display_name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("   ", "This field is required."),
        ("x" * 61, "at most 60 characters"),
        ("\u202eevil", "printable characters only"),
    ],
)
def test_an_unusable_display_name_is_refused_with_a_clear_error(client, ada, name, error):
    response = client.post("/accounts/settings/", {"display_name": name})

    assert response.status_code == 200
    assert error in response.text
    assert 'role="alert"' in response.text
    ada.refresh_from_db()
    assert ada.display_name == "Ada"


def test_sixty_characters_are_allowed(client, ada):
    client.post("/accounts/settings/", {"display_name": "é" * 60})

    ada.refresh_from_db()
    assert ada.display_name == "é" * 60


def test_an_unconfirmed_address_is_shown_with_a_button_for_a_new_link(client, ada):
    response = client.get("/accounts/settings/")

    assert "not confirmed yet" in response.text
    assert 'action="/accounts/resend-verification/"' in response.text
    assert 'href="/accounts/password/change/"' in response.text


def test_a_confirmed_address_is_shown_with_its_date(client, ada):
    User.objects.filter(pk=ada.pk).update(email_verified_at="2025-03-04T05:06:07Z")

    response = client.get("/accounts/settings/")

    assert "confirmed on" in response.text
    assert "4 March 2025" in response.text
    assert "resend-verification" not in response.text


def test_roles_are_listed_for_curators(client, ada):
    User.objects.filter(pk=ada.pk).update(is_curator=True)

    assert "Curator:" in client.get("/accounts/settings/").text


def test_changing_the_password_keeps_this_session_logged_in(client, ada):
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another good passphrase",
            "new_password2": "another good passphrase",
        },
    )

    assert response["Location"] == "/accounts/password/change/done/"
    assert client.get(response["Location"]).status_code == 200
    ada.refresh_from_db()
    assert ada.check_password("another good passphrase")
    assert get_user(client).pk == ada.pk


def test_changing_the_password_needs_the_old_one(client, ada):
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "another good passphrase",
            "new_password2": "another good passphrase",
        },
    )

    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.text
