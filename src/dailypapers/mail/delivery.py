"""Sending one recorded email: claim its row, build and send the message, record the outcome.

A temporary failure (an unreachable server, a 4xx reply, a 5xx to our own sender or login,
which only a settings fix cures) is tried again after EMAIL_RETRY_SECONDS, doubling, up to
EMAIL_MAX_ATTEMPTS; any other failure, or the last attempt, marks the row failed, which the
pages show. A row that is sent, skipped or failed is never sent again, so running its task
twice is harmless. Queueing the retry is the task's job (tasks.py): this module only says
when it is due, so that the task queue is imported by tasks.py alone.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from dailypapers.core.metrics import EMAILS, SMTP_SECONDS
from dailypapers.mail.models import QueuedEmail

logger = logging.getLogger(__name__)

# A worker killed mid-send leaves its row "sending"; after this long another may take it.
CLAIM_LEASE = timedelta(minutes=10)
AUTH_REQUIRED = 530


def stalled_ids(now: datetime, grace: timedelta, limit: int = 1000) -> list[int]:
    """Rows whose task went missing: never queued (a queue outage), a retry the backend could
    not defer, or a worker that died mid-send."""
    stalled = QueuedEmail.objects.filter(
        Q(status=QueuedEmail.Status.QUEUED, next_attempt_at__lte=now - grace)
        | Q(status=QueuedEmail.Status.QUEUED, next_attempt_at=None, created_at__lte=now - grace)
        | Q(status=QueuedEmail.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    )
    return list(stalled.values_list("pk", flat=True)[:limit])


def prune(now: datetime | None = None, keep: timedelta = timedelta(days=30)) -> int:
    """Forget emails finished (sent, skipped or failed) more than ``keep`` ago."""
    cutoff = (now or timezone.now()) - keep
    deleted, _ = QueuedEmail.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


def is_temporary(exc: BaseException) -> bool:
    """Worth trying again later: a connection problem or a 4xx reply (as digests judge it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return not codes or not all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused) or (
        isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == AUTH_REQUIRED
    ):
        return True  # our own settings: every message fails alike until they are fixed
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600
    return isinstance(exc, (smtplib.SMTPException, OSError))


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def _finish(pk: int, status: str, **fields: object) -> None:
    QueuedEmail.objects.filter(pk=pk).update(
        status=status, finished_at=timezone.now(), claimed_at=None, **fields
    )


@dataclass(frozen=True)
class Attempt:
    """What one try at sending a row left: its status, and when to try again if it is due."""

    status: str
    retry_at: datetime | None = None


def attempt(pk: int) -> Attempt:
    """Send row ``pk`` if it is due and nobody else is sending it."""
    now = timezone.now()
    claimable = Q(status=QueuedEmail.Status.QUEUED) | Q(
        status=QueuedEmail.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    claimed = (
        QueuedEmail.objects.filter(claimable, pk=pk)
        .exclude(next_attempt_at__gt=now)
        .update(status=QueuedEmail.Status.SENDING, claimed_at=now)
    )
    row = QueuedEmail.objects.filter(pk=pk).first()
    if row is None or not claimed:
        return Attempt(row.status if row else "missing")
    outcome = _attempt(row, now)
    queued_again = outcome.status == QueuedEmail.Status.QUEUED
    EMAILS.labels("retrying" if queued_again else str(outcome.status)).inc()
    return outcome


def _attempt(row: QueuedEmail, now: datetime) -> Attempt:
    pk = row.pk
    try:
        messages = import_string(row.builder)(row)
        if not messages:
            _finish(pk, QueuedEmail.Status.SKIPPED)
            return Attempt(QueuedEmail.Status.SKIPPED)
        with SMTP_SECONDS.labels("mail").time():
            get_connection(fail_silently=False).send_messages(messages)
    except Exception as exc:
        attempts = row.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        if is_temporary(exc) and attempts < settings.EMAIL_MAX_ATTEMPTS:
            retry_at = now + retry_delay(attempts)
            QueuedEmail.objects.filter(pk=pk).update(
                status=QueuedEmail.Status.QUEUED,
                attempts=attempts,
                next_attempt_at=retry_at,
                claimed_at=None,
                last_error=error,
            )
            logger.warning("email %s not sent (%s); next try at %s", pk, error, retry_at)
            return Attempt(QueuedEmail.Status.QUEUED, retry_at)
        logger.error("email %s not sent, giving up after %s attempts: %s", pk, attempts, error)
        _finish(pk, QueuedEmail.Status.FAILED, attempts=attempts, last_error=error)
        return Attempt(QueuedEmail.Status.FAILED)
    _finish(pk, QueuedEmail.Status.SENT, attempts=row.attempts + 1, last_error="")
    return Attempt(QueuedEmail.Status.SENT)
