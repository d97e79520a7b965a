"""The trending refresh on the site's schedule, found by core.scheduling.discover()."""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_trending() -> object:
    from dailypapers.feed.tasks import refresh_trending

    return refresh_trending.enqueue()


JOBS = [
    Job("refresh-trending", every_minutes("TRENDING_REFRESH_MINUTES"), _enqueue_trending, order=30)
]
