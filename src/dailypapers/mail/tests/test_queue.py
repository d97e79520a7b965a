"""The mail queue's own rules, with a builder of its own (no other app needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dailypapers.mail import delivery, tasks
from dailypapers.mail.models import QueuedEmail

pytestmark = pytest.mark.django_db


def build_note(row: QueuedEmail) -> list[EmailMessage]:
    return [EmailMessage("A note", "hello", to=[row.address])]


@pytest.fixture
def db_tasks(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_email_whose_task_went_missing_is_queued_again(db_tasks, smtp_sink):
    long_ago = timezone.now() - timedelta(hours=1)
    never_queued = QueuedEmail.objects.create(
        builder=f"{__name__}.build_note", address="a@example.org", created_at=long_ago
    )
    fresh = QueuedEmail.objects.create(builder=f"{__name__}.build_note", address="b@example.org")
    dead_worker = QueuedEmail.objects.create(
        builder=f"{__name__}.build_note",
        address="c@example.org",
        status="sending",
        claimed_at=long_ago,
    )

    assert tasks.requeue_stalled() == 2

    queued = sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.all())
    assert queued == sorted([never_queued.pk, dead_worker.pk])
    assert fresh.pk not in queued
    assert tasks.deliver(dead_worker.pk) == "sent"


class _RefusingHandler:
    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return "550 5.1.1 No such user"


def test_a_permanent_refusal_is_not_retried(settings):
    from aiosmtpd.controller import Controller

    from dailypapers.testing.smtp import _free_port

    port = _free_port()
    controller = Controller(_RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    row = QueuedEmail.objects.create(builder=f"{__name__}.build_note", address="gone@example.org")
    try:
        status = tasks.deliver(row.pk)
    finally:
        controller.stop()

    row.refresh_from_db()
    assert (status, row.status, row.attempts) == ("failed", "failed", 1)
    assert "550" in row.last_error


def test_finished_emails_are_forgotten_after_thirty_days():
    now = timezone.now()
    old = QueuedEmail.objects.create(
        builder="x.y", status="sent", finished_at=now - timedelta(days=31)
    )
    recent = QueuedEmail.objects.create(
        builder="x.y", status="failed", finished_at=now - timedelta(days=29)
    )
    waiting = QueuedEmail.objects.create(builder="x.y", created_at=now - timedelta(days=40))

    assert delivery.prune(now) == 1

    assert set(QueuedEmail.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not QueuedEmail.objects.filter(pk=old.pk).exists()
