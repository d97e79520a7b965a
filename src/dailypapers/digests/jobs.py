"""What digests queue for the workers: the scheduled check, and runs' delivery chunks.

The check is found by core.scheduling.discover(); the chunk sender is installed in
DigestsConfig.ready(). The task module is imported when a task is
queued, not at start-up, and runs.py never imports it (tasks.py imports runs).
"""

from __future__ import annotations

from dailypapers.core.scheduling import Job, every_minutes


def _enqueue_digest_check() -> object:
    from dailypapers.digests.tasks import check_digests

    return check_digests.enqueue()


def enqueue_chunk(run_id: int, delivery_ids: list[int]) -> object:
    from dailypapers.digests.tasks import send_digest_chunk

    return send_digest_chunk.enqueue(run_id, delivery_ids)


# Starts a digest run when subscribers are due, and resumes unfinished ones.
JOBS = [
    Job("check-digests", every_minutes("DIGEST_CHECK_MINUTES"), _enqueue_digest_check, order=40)
]
