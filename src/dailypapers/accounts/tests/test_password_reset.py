"""Password reset: Django's tokens, our pages and email, no hint of who has an account."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User
from dailypapers.testing import html_part, link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def ada() -> User:
    return User.objects.create_user("ada@example.org", "the old passphrase", display_name="Ada")


def emailed_reset_path(client, smtp_sink, email="ada@example.org") -> str:
    client.post("/accounts/password/reset/", {"email": email})
    (message,) = smtp_sink.wait_for(1)
    return urlsplit(link_in(message, "/accounts/password/reset/")).path


def test_the_emailed_link_lets_the_owner_choose_a_new_password(client, ada, smtp_sink):
    path = emailed_reset_path(client, smtp_sink)

    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done["Location"] == "/accounts/password/reset/complete/"
    assert client.get(done["Location"]).status_code == 200
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)


def test_the_reset_email_is_ours_with_an_absolute_link(client, ada, smtp_sink):
    client.post("/accounts/password/reset/", {"email": "ADA@example.org"})

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Reset your dailypapers password"
    link = link_in(message, "/accounts/password/reset/")
    assert link.startswith("http://127.0.0.1:8000/accounts/password/reset/")
    assert link in html_part(message)


def test_an_unknown_address_gets_the_same_page_and_no_email(client, ada, smtp_sink):
    known = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    smtp_sink.wait_for(1)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert "Check your inbox" in client.get(unknown["Location"]).text
    assert len(smtp_sink.messages) == 1


def test_choosing_a_password_from_the_link_also_confirms_the_address(client, ada, smtp_sink):
    path = emailed_reset_path(client, smtp_sink)
    set_password_url = client.get(path)["Location"]

    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    ada.refresh_from_db()
    assert ada.email_verified


def test_a_used_link_does_not_work_twice(client, ada, smtp_sink):
    path = emailed_reset_path(client, smtp_sink)
    set_password_url = client.get(path)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(path, follow=True)

    assert "This reset link is not valid" in response.text


def test_a_weak_new_password_is_refused(client, ada, smtp_sink):
    path = emailed_reset_path(client, smtp_sink)
    set_password_url = client.get(path)["Location"]

    response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200
    assert "too short" in response.text
    ada.refresh_from_db()
    assert ada.check_password("the old passphrase")


def test_the_reset_does_not_log_anyone_in(client, ada, smtp_sink):
    path = emailed_reset_path(client, smtp_sink)
    set_password_url = client.get(path)["Location"]

    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert get_user(client).is_anonymous
