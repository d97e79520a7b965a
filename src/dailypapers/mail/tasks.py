"""Mail tasks: sending takes a QueuedEmail id, and running it twice sends once."""

from __future__ import annotations

from django_tasks import task

from dailypapers.mail import queue


@task()
def send_queued_email(queued_email_id: int) -> str:
    return queue.deliver(queued_email_id)


@task()
def requeue_stalled_email() -> int:
    queue.prune()
    return queue.requeue_stalled()
