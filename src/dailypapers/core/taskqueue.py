"""The task queue as an operator sees it: is it reachable, how much waits, since when.

Whichever backend TASKS configures answers the same questions: the database queue
(django_tasks_db, the embedded default) from its table, RQ from Redis. The readiness check
(core/health.py) and the staff status page read it here, so neither knows which backend runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import router
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import task_backends

from dailypapers.core import dbprobe

DB = "database"
RQ = "rq"
IMMEDIATE = "immediate"


@dataclass(frozen=True)
class QueueStats:
    backend: str  # DB, RQ, IMMEDIATE, or the backend's class path
    waiting: int  # ready to run now
    scheduled: int  # deferred to a later time
    running: int
    oldest_waiting_at: datetime | None  # when the longest-waiting ready task was enqueued

    @property
    def measured(self) -> bool:
        """False for a backend with no queue to count (tasks run as they are enqueued)."""
        return self.backend in (DB, RQ)


def _backend() -> Any:
    return task_backends["default"]


def backend_kind() -> str:
    backend_class = type(_backend())
    path = f"{backend_class.__module__}.{backend_class.__qualname__}"
    if path.startswith("django_tasks_db."):
        return DB
    if path.startswith("django_tasks_rq."):
        return RQ
    if path.endswith("ImmediateBackend"):
        return IMMEDIATE
    return path


def _rq_queues() -> list[Any]:
    import django_rq

    return [django_rq.get_queue(name) for name in sorted(_backend().queues)]


def _db_table_alias() -> tuple[str, str]:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.db_table, router.db_for_read(DBTaskResult) or "default"


def ping(timeout: float) -> None:
    """Raise unless the queue answers: one query of the task table, or a Redis PING of each
    queue's own connection with ``timeout`` for connecting and reading."""
    kind = backend_kind()
    if kind == DB:
        table, alias = _db_table_alias()
        dbprobe.query_table(alias, table)
    elif kind == RQ:
        import redis

        for queue in _rq_queues():
            pool = queue.connection.connection_pool
            kwargs = {
                **pool.connection_kwargs,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            }
            client = redis.Redis(
                connection_pool=redis.ConnectionPool(
                    connection_class=pool.connection_class, **kwargs
                )
            )
            try:
                client.ping()
            finally:
                client.close()


def _db_stats() -> QueueStats:
    from django_tasks_db.models import DBTaskResult, TaskResultStatus, get_date_max

    now = timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    due = Q(run_after=get_date_max()) | Q(run_after__lte=now)
    figures = ready.aggregate(
        waiting=Count("pk", filter=due),
        scheduled=Count("pk", filter=~due),
        oldest=Min("enqueued_at", filter=due),
    )
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
    return QueueStats(DB, figures["waiting"], figures["scheduled"], running, figures["oldest"])


def _rq_stats() -> QueueStats:
    waiting = scheduled = running = 0
    oldest: datetime | None = None
    for queue in _rq_queues():
        waiting += queue.count
        scheduled += queue.scheduled_job_registry.count
        running += queue.started_job_registry.count
        # The list is FIFO: its head is the job that has waited longest (a job enqueued at
        # the front for priority is the exception, and is taken next anyway).
        for job in queue.get_jobs(0, 1):
            enqueued = job.enqueued_at
            if enqueued is not None and enqueued.tzinfo is None:
                enqueued = enqueued.replace(tzinfo=UTC)  # RQ stores naive UTC times
            if enqueued is not None and (oldest is None or enqueued < oldest):
                oldest = enqueued
    return QueueStats(RQ, waiting, scheduled, running, oldest)


def stats() -> QueueStats:
    kind = backend_kind()
    if kind == DB:
        return _db_stats()
    if kind == RQ:
        return _rq_stats()
    return QueueStats(kind, 0, 0, 0, None)
