"""Background tasks of the feed; idempotent (they recompute from the tables)."""

from __future__ import annotations

from django_tasks import task

from dailypapers.feed.trending import refresh_recent


@task()
def refresh_trending() -> int:
    return refresh_recent()
