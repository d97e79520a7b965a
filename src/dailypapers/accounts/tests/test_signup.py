"""Sign-up: an account and a confirmation email, nobody signed in; taken addresses stay secret."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User
from dailypapers.mail.models import QueuedEmail
from dailypapers.testing import html_part, link_in, text_part

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_up(client, email="ada@example.org", name="Ada", password=PASSWORD, **extra):
    data = {"email": email, "display_name": name, "password1": password, "password2": password}
    return client.post("/accounts/signup/", {**data, **extra})


def test_signing_up_creates_an_account_and_emails_a_link_without_signing_in(client, smtp_sink):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    user = User.objects.get(email="ada@example.org")
    assert user.display_name == "Ada"
    assert not user.email_verified
    assert get_user(client).is_anonymous  # the confirmation link signs in
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert "Confirm your email address" in message["Subject"]
    assert link_in(message, "/accounts/verify/").startswith("http://127.0.0.1:8000/")


def test_the_done_page_asks_to_check_the_inbox(client, smtp_sink):
    response = client.get(sign_up(client)["Location"])

    assert response.status_code == 200
    assert "Check your inbox" in response.text


def test_the_address_is_stored_lower_case(client, smtp_sink):
    sign_up(client, email="  Ada.Lovelace@Example.ORG ")

    assert User.objects.get().email == "ada.lovelace@example.org"


def test_the_display_name_is_trimmed_and_its_spaces_collapsed(client, smtp_sink):
    sign_up(client, name="  Ada \t  Lovelace ")

    assert User.objects.get().display_name == "Ada Lovelace"


def test_the_confirmation_email_is_text_with_an_html_alternative(client, smtp_sink):
    sign_up(client, name="Tom & <Jerry>")

    (message,) = smtp_sink.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    link = link_in(message, "/accounts/verify/")
    # Text is not HTML-escaped; HTML is.
    assert "Tom & <Jerry>" in text_part(message)
    assert "Tom &amp; &lt;Jerry&gt;" in html_part(message)
    assert link in html_part(message)
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_taken_address_gets_the_same_answer_as_a_new_one(client, smtp_sink):
    User.objects.create_user("owner@example.org", "an old password 123", display_name="Owner")

    new = sign_up(client, email="someone@example.org")
    client.cookies.clear()
    taken = sign_up(client, email="Owner@Example.org", name="Mallory")

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken.content == new.content
    # The same cookies, with the same attributes; only the session's random value (and the
    # expiry date, by the clock's tick between the two answers) differ.
    assert sorted(taken.cookies) == sorted(new.cookies) == ["sessionid"]
    for name in new.cookies:
        attributes = {k: v for k, v in new.cookies[name].items() if k != "expires"}
        assert {k: v for k, v in taken.cookies[name].items() if k != "expires"} == attributes
    assert client.get(taken["Location"]).text.count("Check your inbox") >= 1
    assert User.objects.filter(email__iexact="owner@example.org").count() == 1
    owner = User.objects.get(email="owner@example.org")
    assert owner.display_name == "Owner"
    assert owner.check_password("an old password 123")


def test_the_owner_of_a_taken_address_is_told_how_to_log_in(client, smtp_sink):
    User.objects.create_user("owner@example.org", "an old password 123")

    sign_up(client, email="owner@example.org")

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "owner@example.org"
    assert "tried to sign up" in message["Subject"]
    assert link_in(message, "/accounts/login/")
    assert link_in(message, "/accounts/password/reset/")
    assert "/accounts/verify/" not in text_part(message)
    assert get_user(client).is_anonymous


def test_the_owner_gets_one_notice_an_hour_however_often_the_address_is_tried(
    client, smtp_sink, settings
):
    settings.SIGNUPS_PER_HOUR_PER_IP = 100
    User.objects.create_user("owner@example.org", "an old password 123")

    for _ in range(3):
        assert sign_up(client, email="owner@example.org").status_code == 302

    smtp_sink.wait_for(1)
    assert len(smtp_sink.messages) == 1


def test_mismatched_passwords_are_refused_and_nothing_is_sent(client, smtp_sink):
    response = sign_up(client, password2="something else entirely")

    assert response.status_code == 200
    assert "didn’t match" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not User.objects.exists()
    assert smtp_sink.messages == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [("short1", "too short"), ("password123", "too common"), ("ada.lovelace1", "too similar")],
)
def test_weak_passwords_are_refused_by_the_password_validators(
    client, smtp_sink, password, problem
):
    response = sign_up(client, email="ada.lovelace@example.org", password=password)

    assert response.status_code == 200
    assert problem in response.text
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "evil\u202eman", "tab\x07bell"])
def test_unusable_display_names_are_refused(client, smtp_sink, name):
    response = sign_up(client, name=name)

    assert response.status_code == 200
    assert 'class="field field-invalid"' in response.text
    assert not User.objects.exists()


def test_an_invalid_email_address_is_refused(client, smtp_sink):
    response = sign_up(client, email="not-an-address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text


def test_a_logged_in_person_is_sent_to_their_settings(client):
    client.force_login(User.objects.create_user("ada@example.org", PASSWORD))

    response = client.get("/accounts/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/settings/"


def test_signing_up_answers_at_once_when_the_mail_server_is_down(client, smtp_sink):
    smtp_sink.stop()  # nothing listens on its port now

    response = sign_up(client)

    assert response["Location"] == "/accounts/signup/done/"
    assert User.objects.filter(email="ada@example.org").exists()
    # The queued email waits for a retry instead of failing the sign-up.
    (row,) = QueuedEmail.objects.all()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "Connection refused" in row.last_error
