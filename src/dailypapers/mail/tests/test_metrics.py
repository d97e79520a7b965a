"""Queued emails are counted by outcome, with the time SMTP took."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from dailypapers.mail import delivery
from dailypapers.mail.models import QueuedEmail

pytestmark = pytest.mark.django_db

BUILDER = "dailypapers.mail.tests.test_queue.build_note"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_sent_email_is_counted_with_its_smtp_time(smtp_sink):
    sent = sample("dailypapers_emails_total", outcome="sent")
    timed = sample("dailypapers_smtp_send_seconds_count", sender="mail")
    row = QueuedEmail.objects.create(builder=BUILDER, address="a@example.org")
    assert delivery.attempt(row.pk).status == "sent"
    assert sample("dailypapers_emails_total", outcome="sent") == sent + 1
    assert sample("dailypapers_smtp_send_seconds_count", sender="mail") == timed + 1


def test_an_email_left_for_a_retry_is_counted_as_retrying(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    retrying = sample("dailypapers_emails_total", outcome="retrying")
    row = QueuedEmail.objects.create(builder=BUILDER, address="a@example.org")
    assert delivery.attempt(row.pk).status == "queued"  # nothing listens on port 9
    assert sample("dailypapers_emails_total", outcome="retrying") == retrying + 1
