"""Take back the task rows a dead database-queue worker left RUNNING.

`dailypapers run` names its worker ``run.<host>.<run pid>.<generation>``. When that worker
died (kill -9, OOM, a crash), its task row would stay RUNNING for good; before starting the
next worker, `run` puts such rows back in the queue (tasks are idempotent), or marks them
failed when a worker already died running them once (a task that kills its worker must not
kill every next one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone

from dailypapers.lib.process import host_tag, pid_alive

logger = logging.getLogger("dailypapers.run")
PREFIX = "run."


def worker_id(run_pid: int, generation: int) -> str:
    return f"{PREFIX}{host_tag()}.{run_pid}.{generation}"


def dead_run_worker(worker: str, current_run_pid: int, live_generation: int | None) -> bool:
    """True for a worker id of this machine whose process is surely gone."""
    parts = worker.split(".")
    if len(parts) != 4 or parts[0] + "." != PREFIX or parts[1] != host_tag():
        return False
    try:
        run_pid, generation = int(parts[2]), int(parts[3])
    except ValueError:
        return False
    if run_pid == current_run_pid:  # our own worker: every generation but the live one
        return generation != live_generation
    return not pid_alive(run_pid)  # another run's: gone with that run (its children die)


def reclaim_tasks(is_dead: Callable[[str], bool]) -> tuple[int, int]:
    """(requeued, failed) RUNNING task rows whose last worker ``is_dead``."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    requeued = failed = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if not row.worker_ids or not is_dead(row.worker_ids[-1]):
            continue
        dead_runs = sum(1 for worker in row.worker_ids if worker.startswith(PREFIX))
        if dead_runs >= 2:
            row.status = TaskResultStatus.FAILED
            row.finished_at = timezone.now()
            row.exception_class_path = "dailypapers.WorkerDied"
            row.traceback = f"the worker died running this task {dead_runs} times"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            failed += 1
        else:
            row.status = TaskResultStatus.READY
            row.save(update_fields=["status"])
            requeued += 1
    if requeued or failed:
        logger.warning("tasks of a worker that died: %s queued again, %s failed", requeued, failed)
    return requeued, failed
