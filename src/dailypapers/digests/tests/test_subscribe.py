"""Subscribing: double opt-in by email, the same answer for every address, rate limits."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client

from dailypapers.digests import links
from dailypapers.digests.models import Subscriber
from dailypapers.testing.factories import SUBSCRIBE_FORM

pytestmark = pytest.mark.django_db


def link_in(message, path: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"http://testserver({path}[^\s]+)", text).group(1)


def test_subscribing_sends_a_confirmation_and_nothing_is_due_until_the_link_is_opened(
    client, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/digests/subscribe/", SUBSCRIBE_FORM)
    assert response.status_code == 302
    assert response["Location"] == "/digests/subscribe/sent/"
    subscriber = Subscriber.objects.get(email="new@example.com")
    assert subscriber.confirmed_at is None and subscriber.next_due_at is None
    assert subscriber.frequency == "weekly" and subscriber.top_n == 5
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "new@example.com"
    confirm_path = link_in(message, "/digests/confirm/")
    # Following the link only asks; the button confirms.
    page = client.get(confirm_path)
    assert page.status_code == 200 and b"Yes, send me the digest" in page.content
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302 and "/digests/preferences/" in confirmed["Location"]
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None and subscriber.next_due_at is not None


def test_known_and_new_addresses_get_the_same_answer(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="known@example.com", confirmed_at="2026-01-01T00:00Z")
    answers = []
    for email in ("known@example.com", "fresh@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/digests/subscribe/", {**SUBSCRIBE_FORM, "email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1]
    messages = smtp_sink.wait_for(2)
    by_address = {m["To"]: m.get_body(("plain",)).get_content() for m in messages}
    # The known address gets its preferences link, not a second confirmation.
    assert "/digests/preferences/" in by_address["known@example.com"]
    assert "/digests/confirm/" in by_address["fresh@example.com"]
    known = Subscriber.objects.get(email="known@example.com")
    assert known.frequency == "daily"  # a stranger's form changed nothing


def test_too_many_subscribe_requests_from_one_ip_are_refused(settings, client, immediate_tasks):
    settings.DIGEST_SUBSCRIBES_PER_HOUR_PER_IP = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    codes = [
        client.post(
            "/digests/subscribe/", {**SUBSCRIBE_FORM, "email": f"a{i}@example.com"}
        ).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]


def test_repeated_requests_for_one_address_stop_sending_mail_but_answer_the_same(
    settings, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    settings.DIGEST_SUBSCRIBES_PER_HOUR_PER_ADDRESS = 1
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/digests/subscribe/", SUBSCRIBE_FORM)
        assert response.status_code == 302
    time.sleep(0.3)
    assert len(smtp_sink.messages) == 1


def test_bad_input_is_refused_with_a_clear_message(client):
    response = client.post(
        "/digests/subscribe/", {**SUBSCRIBE_FORM, "email": "not-an-address", "content": "topics"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address" in body
    assert "Choose at least one topic or category" in body
    assert not Subscriber.objects.exists()


def test_an_expired_confirmation_link_is_refused(settings, client, monkeypatch):
    subscriber = Subscriber.objects.create(email="late@example.com")
    token = links.confirm_token(subscriber)
    settings.DIGEST_CONFIRM_DAYS = 3
    # The link is opened four days later, as far as the signature check can tell.
    later = time.time() + 4 * 86400
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    response = client.post(f"/digests/confirm/{token}/")
    assert response.status_code == 400 and b"expired" in response.content
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_every_page_has_the_subscribe_form(client):
    for path in ("/about/", "/digests/subscribe/sent/"):
        body = client.get(path).content.decode()
        assert 'action="/digests/subscribe/"' in body, path
        assert 'name="email"' in body
