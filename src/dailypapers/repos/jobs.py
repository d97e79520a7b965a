"""The star refresh on the site's schedule, found by core.scheduling.discover().

The job runs every GITHUB_STARS_REFRESH_MINUTES; each run fetches only what is due
(repos/refresh.py: daily for papers of the last 30 days, weekly after), at most
GITHUB_STARS_PER_RUN repositories, and nothing while GitHub asked us to pause.
"""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_star_refresh() -> object:
    from dailypapers.repos.tasks import refresh_due_stars

    return refresh_due_stars.enqueue()


JOBS = [
    Job(
        "refresh-github-stars",
        every_minutes("GITHUB_STARS_REFRESH_MINUTES"),
        _enqueue_star_refresh,
        order=25,
    )
]
