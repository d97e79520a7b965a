"""Digest sending is counted: messages by outcome, and how long SMTP takes with each."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from dailypapers.digests import sending
from dailypapers.digests.tests.test_delivery import RefusingHandler, mail_server
from dailypapers.testing.factories import plan_digest_run

pytestmark = pytest.mark.django_db


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_sent_and_refused_digests_are_counted_with_their_smtp_time(settings):
    sent = sample("dailypapers_digest_deliveries_total", outcome="sent")
    failed = sample("dailypapers_digest_deliveries_total", outcome="failed")
    timed = sample("dailypapers_smtp_send_seconds_count", sender="digests")
    with mail_server(RefusingHandler("r0@example.com"), settings):
        run, ids = plan_digest_run(3)
        report = sending.send_chunk(run.pk, ids)
    assert (report.sent, report.failed) == (2, 1)
    assert sample("dailypapers_digest_deliveries_total", outcome="sent") == sent + 2
    assert sample("dailypapers_digest_deliveries_total", outcome="failed") == failed + 1
    assert sample("dailypapers_smtp_send_seconds_count", sender="digests") == timed + 3
