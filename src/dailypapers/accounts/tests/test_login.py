"""Log-in by email and password, a safe ``next``, and log-out by POST only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def ada() -> User:
    return User.objects.create_user("ada@example.org", PASSWORD, display_name="Ada")


def log_in(client, email="ada@example.org", password=PASSWORD, next_url=None):
    data = {"username": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_logging_in_with_email_and_password_goes_to_the_home_page(client, ada):
    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert get_user(client).pk == ada.pk


def test_the_address_is_matched_whatever_its_case(client, ada):
    log_in(client, email=" ADA@Example.org ")

    assert get_user(client).pk == ada.pk


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, ada):
    response = log_in(client, password="not the password")

    assert response.status_code == 200
    assert "don’t match an account" in response.text
    assert get_user(client).is_anonymous


def test_an_unknown_address_gets_the_same_error_as_a_wrong_password(client, ada):
    wrong_password = log_in(client, password="not the password")
    unknown = log_in(client, email="nobody@example.org")

    assert unknown.status_code == wrong_password.status_code == 200
    assert "don’t match an account" in unknown.text


def test_an_inactive_account_cannot_log_in(client, ada):
    User.objects.filter(pk=ada.pk).update(is_active=False)

    log_in(client)

    assert get_user(client).is_anonymous


def test_an_unverified_person_can_log_in(client, ada):
    assert not ada.email_verified

    log_in(client)

    assert get_user(client).pk == ada.pk


def test_next_on_this_site_is_followed(client, ada):
    response = log_in(client, next_url="/accounts/settings/")

    assert response["Location"] == "/accounts/settings/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http:evil.example",
        "https:///evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_elsewhere_is_ignored(client, ada, next_url):
    response = log_in(client, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_login_page_keeps_next_in_the_form(client):
    response = client.get("/accounts/login/?next=/accounts/settings/")

    assert 'name="next" value="/accounts/settings/"' in response.text


def test_a_logged_in_visitor_of_the_login_page_is_sent_on(client, ada):
    client.force_login(ada)

    response = client.get("/accounts/login/")

    assert response.status_code == 302


def test_logging_out_by_get_only_shows_a_button(client, ada):
    client.force_login(ada)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert 'method="post" action="/accounts/logout/"' in response.text
    assert get_user(client).pk == ada.pk


def test_logging_out_by_post_ends_the_session(client, ada):
    client.force_login(ada)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert get_user(client).is_anonymous


def test_logging_out_needs_the_csrf_token(ada):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)

    assert client.post("/accounts/logout/").status_code == 403
    assert get_user(client).pk == ada.pk
