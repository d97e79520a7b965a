"""Requeueing stalled mail on the site's schedule, found by core.scheduling.discover()."""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_mail_requeue() -> object:
    from dailypapers.mail.tasks import requeue_stalled_email

    return requeue_stalled_email.enqueue()


# Account and subscription emails whose task went missing (mail/queue.py), checked as
# often as digests are.
JOBS = [Job("requeue-mail", every_minutes("DIGEST_CHECK_MINUTES"), _enqueue_mail_requeue, order=50)]
