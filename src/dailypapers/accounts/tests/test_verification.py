"""Email verification: the emailed link opens a page whose button confirms the address, once,
for a limited time; link scanners that only GET confirm nothing."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client

from dailypapers.accounts import tokens
from dailypapers.accounts.decorators import verified_required
from dailypapers.accounts.models import User
from dailypapers.testing import link_in

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def emailed_verify_path(client, smtp_sink) -> str:
    data = {
        "email": "new@example.org",
        "display_name": "New",
        "password1": "correct horse battery",
        "password2": "correct horse battery",
    }
    client.post("/accounts/signup/", data)
    (message,) = smtp_sink.wait_for(1)
    return urlsplit(link_in(message, "/accounts/verify/")).path


def test_opening_the_emailed_link_only_shows_a_button(client, smtp_sink):
    path = emailed_verify_path(client, smtp_sink)

    response = client.get(path)

    assert response.status_code == 200
    assert f'<form method="post" action="{path}">' in response.text
    assert "csrfmiddlewaretoken" in response.text
    assert not User.objects.get(email="new@example.org").email_verified


def test_pressing_the_button_confirms_the_address_and_signs_in_the_same_browser(client, smtp_sink):
    path = emailed_verify_path(client, smtp_sink)

    response = client.post(path)

    assert response.status_code == 200
    assert "Email address confirmed" in response.text
    user = User.objects.get(email="new@example.org")
    assert user.email_verified
    assert get_user(client).pk == user.pk


def test_pressing_the_button_in_another_browser_confirms_and_asks_to_log_in(client, smtp_sink):
    path = emailed_verify_path(client, smtp_sink)
    client.cookies.clear()  # the link works in any browser

    response = client.post(path)

    assert "Email address confirmed" in response.text
    assert "/accounts/login/" in response.text
    assert User.objects.get(email="new@example.org").email_verified
    assert get_user(client).is_anonymous


def test_the_button_needs_a_csrf_token(client, smtp_sink):
    csrf_client = Client(enforce_csrf_checks=True)
    path = emailed_verify_path(client, smtp_sink)

    assert csrf_client.post(path).status_code == 403
    assert not User.objects.get(email="new@example.org").email_verified


def test_following_the_link_again_keeps_the_first_confirmation_time(client, smtp_sink):
    path = emailed_verify_path(client, smtp_sink)
    client.post(path)
    first = User.objects.get(email="new@example.org").email_verified_at

    again = client.post(path)

    assert again.status_code == 200
    assert User.objects.get(email="new@example.org").email_verified_at == first


def test_an_expired_link_says_so_and_offers_a_new_one(client, ada, settings):
    settings.EMAIL_VERIFICATION_DAYS = 3
    token = tokens.make_verification_token(ada, issued_at=time.time() - 3 * DAY - 60)
    client.force_login(ada)

    response = client.get(f"/accounts/verify/{token}/")

    assert response.status_code == 410
    assert "expired" in response.text
    assert 'action="/accounts/resend-verification/"' in response.text
    ada.refresh_from_db()
    assert not ada.email_verified


def test_a_link_still_inside_its_validity_works(client, ada, settings):
    settings.EMAIL_VERIFICATION_DAYS = 3
    token = tokens.make_verification_token(ada, issued_at=time.time() - 3 * DAY + 60)

    assert client.post(f"/accounts/verify/{token}/").status_code == 200
    ada.refresh_from_db()
    assert ada.email_verified


def test_an_expired_link_tells_a_logged_out_person_to_log_in_for_a_new_one(client, ada):
    token = tokens.make_verification_token(ada, issued_at=time.time() - 30 * DAY)

    response = client.get(f"/accounts/verify/{token}/")

    assert response.status_code == 410
    assert "/accounts/login/?next=/accounts/settings/" in response.text


def test_a_tampered_link_is_refused(client, ada):
    token = tokens.make_verification_token(ada)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.get(f"/accounts/verify/{forged}/")

    assert response.status_code == 400
    assert "not valid" in response.text
    ada.refresh_from_db()
    assert not ada.email_verified


def test_a_link_made_for_an_earlier_address_no_longer_works(client, ada):
    token = tokens.make_verification_token(ada)
    ada.email = "ada@elsewhere.example"
    ada.save()

    assert client.get(f"/accounts/verify/{token}/").status_code == 400
    ada.refresh_from_db()
    assert not ada.email_verified


def test_asking_for_a_new_link_emails_one_that_works(client, ada, smtp_sink):
    client.force_login(ada)

    response = client.post("/accounts/resend-verification/")

    assert response["Location"] == "/accounts/settings/#email-heading"
    assert (
        "We sent a confirmation link to ada@example.org" in client.get("/accounts/settings/").text
    )
    (message,) = smtp_sink.wait_for(1)
    assert client.post(urlsplit(link_in(message, "/accounts/verify/")).path).status_code == 200
    ada.refresh_from_db()
    assert ada.email_verified


def test_asking_for_a_new_link_needs_a_post(client, ada, smtp_sink):
    client.force_login(ada)

    assert client.get("/accounts/resend-verification/").status_code == 405
    assert smtp_sink.messages == []


def test_asking_for_a_new_link_logged_out_leads_to_the_login_page(client):
    response = client.post("/accounts/resend-verification/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/settings/"


def test_a_verified_person_asking_for_a_new_link_gets_no_email(client, ada, smtp_sink):
    User.objects.filter(pk=ada.pk).update(email_verified_at="2025-01-01T00:00:00Z")
    client.force_login(ada)

    response = client.post("/accounts/resend-verification/")

    assert response["Location"] == "/accounts/settings/"
    assert smtp_sink.messages == []


@verified_required
def members_only(request) -> HttpResponse:
    return HttpResponse("welcome")


def test_verified_required_asks_an_unverified_person_to_confirm_first(rf, ada):
    request = rf.get("/vote/")
    request.user = ada

    response = members_only(request)

    assert response.status_code == 403
    assert "Confirm your email address first" in response.content.decode()
    assert 'action="/accounts/resend-verification/"' in response.content.decode()


def test_verified_required_lets_a_verified_person_through(rf, ada):
    User.objects.filter(pk=ada.pk).update(email_verified_at="2025-01-01T00:00:00Z")
    ada.refresh_from_db()
    request = rf.get("/vote/")
    request.user = ada

    assert members_only(request).content == b"welcome"


def test_verified_required_sends_a_logged_out_visitor_to_log_in(rf):
    request = rf.get("/vote/")
    request.user = AnonymousUser()

    response = members_only(request)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/vote/"


def test_after_logging_in_a_post_action_returns_to_the_page_its_form_was_on(rf):
    request = rf.post("/vote/", {"next": "/papers/2501.00001/"})
    request.user = AnonymousUser()

    response = members_only(request)

    assert response["Location"] == "/accounts/login/?next=/papers/2501.00001/"


def test_a_foreign_referrer_is_not_a_place_to_return_to(rf):
    request = rf.post("/vote/", HTTP_REFERER="https://evil.example/")
    request.user = AnonymousUser()

    response = members_only(request)

    assert response["Location"] == "/accounts/login/?next=/"


def test_htmx_requests_are_sent_to_log_in_by_hx_redirect_not_a_302(rf):
    request = rf.post(
        "/vote/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/papers/2501.00001/",
    )
    request.user = AnonymousUser()

    response = members_only(request)

    assert response.status_code == 401
    assert response["HX-Redirect"] == (
        "/accounts/login/?next=http%3A//testserver/papers/2501.00001/"
    )


def test_htmx_requests_from_an_unverified_person_go_to_the_settings_page(rf, ada):
    request = rf.post("/vote/", HTTP_HX_REQUEST="true")
    request.user = ada

    response = members_only(request)

    assert response.status_code == 403
    assert response["HX-Redirect"] == "/accounts/settings/"
