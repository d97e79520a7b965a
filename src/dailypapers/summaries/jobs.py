"""The periodic back-fill of summaries, found by core.scheduling.discover().

Each run queues one task that summarises papers still without a current summary (those an
import queued none for, or whose task was lost), a bounded number at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dailypapers.core.scheduling import Job

PERIOD = timedelta(hours=1)
PER_RUN = 50_000  # papers; about a minute of work, the rest on the next run


def _hourly(now: datetime) -> datetime:
    return now + PERIOD


def _enqueue_backfill() -> object:
    from dailypapers.summaries.tasks import summarize_pending, with_priority

    return with_priority(summarize_pending).enqueue(PER_RUN)


JOBS = [Job("summaries-backfill", _hourly, _enqueue_backfill, order=35)]
