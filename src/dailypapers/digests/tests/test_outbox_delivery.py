"""With no SMTP configured, digests are kept in the local outbox like every other email."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from django.utils import timezone

from dailypapers.digests import runs, sending
from dailypapers.digests.models import Delivery, DigestRun
from dailypapers.mail.outbox import OUTBOX_BACKEND
from dailypapers.testing.factories import make_ranked_paper, make_subscriber

pytestmark = pytest.mark.django_db


def test_digests_are_written_to_the_outbox_and_count_as_sent(settings, tmp_path: Path):
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # would refuse: must not be used
    make_ranked_paper(score=5)
    make_subscriber("r1@example.com")
    make_subscriber("r2@example.com")
    now = timezone.now()
    run = DigestRun.objects.create(slot=now, latest_day=runs.latest_announcement_day())
    ids = runs.plan(run, now, fan_out=False)

    report = sending.send_chunk(run.pk, ids)

    assert report.sent == 2
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name.split("-", 2)[1] for f in files] == sorted(["r1@example.com", "r2@example.com"])
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("html",)) is not None
