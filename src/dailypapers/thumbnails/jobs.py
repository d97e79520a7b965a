"""The thumbnail backlog on the site's schedule, found by core.scheduling.discover()."""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_backlog() -> object:
    from dailypapers.thumbnails.tasks import queue_backlog

    return queue_backlog.enqueue()


JOBS = [
    Job("thumbnail-backlog", every_minutes("THUMBNAIL_BACKLOG_MINUTES"), _enqueue_backlog, order=60)
]
