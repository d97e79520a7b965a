"""Subscription emails survive an SMTP outage: the queued email is retried until it goes."""

from __future__ import annotations

import pytest

from dailypapers.digests.models import Subscriber
from dailypapers.mail import tasks
from dailypapers.mail.models import QueuedEmail
from dailypapers.testing.factories import SUBSCRIBE_FORM

pytestmark = pytest.mark.django_db


def test_a_confirmation_queued_while_smtp_is_down_is_sent_once_it_is_back(
    client, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_RETRY_SECONDS = 0  # due again at once; the worker's delay is not the point
    smtp_sink.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/digests/subscribe/",
            {**SUBSCRIBE_FORM, "email": "reader@example.org"},
        )

    assert response.status_code == 302
    row = QueuedEmail.objects.get()
    assert (row.status, row.attempts, row.argument) == ("queued", 1, "digest-confirm")
    assert "Connection refused" in row.last_error
    assert Subscriber.objects.get().confirmed_at is None

    smtp_sink.start()
    settings.EMAIL_PORT = smtp_sink.port
    assert tasks.deliver(row.pk) == "sent"

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert "/digests/confirm/" in message.get_body(("plain",)).get_content()
