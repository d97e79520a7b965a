"""Mail tasks: sending takes a QueuedEmail id, and running it twice sends once.

This is the one module that talks to the task queue for mail: queueing a row's task,
queueing it again for a retry, and finding rows whose task went missing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from dailypapers.mail import delivery

logger = logging.getLogger(__name__)


def enqueue(pk: int, run_after: datetime | None = None) -> bool:
    """Queue the task for row ``pk``; False (logged) when the queue is unavailable."""
    queued = send_queued_email
    if run_after is not None:
        if not queued.get_backend().supports_defer:
            return False  # the row keeps its next_attempt_at; a resend starts it again
        queued = queued.using(run_after=run_after)
    try:
        queued.enqueue(pk)
    except Exception:  # a queue outage must never become an error page
        logger.exception("could not queue email %s", pk)
        return False
    return True


def deliver(pk: int) -> str:
    """Try to send row ``pk`` now, queue its retry when one is due; returns its status after."""
    outcome = delivery.attempt(pk)
    if outcome.retry_at is not None:
        enqueue(pk, run_after=outcome.retry_at)
    return outcome.status


def requeue_stalled(now: datetime | None = None, grace: timedelta = timedelta(minutes=5)) -> int:
    """Queue again the emails whose task went missing. Their tasks may still be waiting; a
    second task for a row sends nothing twice."""
    return sum(enqueue(pk) for pk in delivery.stalled_ids(now or timezone.now(), grace))


@task()
def send_queued_email(queued_email_id: int) -> str:
    return deliver(queued_email_id)


@task()
def requeue_stalled_email() -> int:
    delivery.prune()
    return requeue_stalled()
