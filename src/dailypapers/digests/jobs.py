"""The digest check on the site's schedule, registered in DigestsConfig.ready()."""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_digest_check() -> object:
    from dailypapers.digests.tasks import check_digests

    return check_digests.enqueue()


# Starts a digest run when subscribers are due, and resumes unfinished ones.
JOBS = [
    Job("check-digests", every_minutes("DIGEST_CHECK_MINUTES"), _enqueue_digest_check, order=40)
]
