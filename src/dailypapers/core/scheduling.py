"""Recurring jobs, registered by the apps they belong to, and the claim that lets several
schedulers coexist.

Each app lists its own jobs as ``JOBS`` in its ``jobs.py`` (papers: ingest; feed: trending;
digests: the digest check; mail: requeue); ``discover()``, called once the apps are ready,
registers them the way the admin finds ``admin.py`` modules, so this module names no app
above it.
The scheduler command only decides *when*; each job enqueues a task and the workers do
the work. A run is claimed by moving ``next_run_at`` forward with a conditional UPDATE
that only one scheduler can win, so two schedulers never enqueue the same run twice.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import transaction

from dailypapers.core.models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    next_after: Callable[[datetime], datetime]
    enqueue: Callable[[], object]
    # Due jobs are queued lowest first: the day's ingest before the jobs that read new papers.
    order: int


def every_minutes(setting: str) -> Callable[[datetime], datetime]:
    """A period of ``settings.<setting>`` minutes, read at each run (tests change it)."""

    def next_after(now: datetime) -> datetime:
        return now + timedelta(minutes=getattr(settings, setting))

    return next_after


_registry: dict[str, Job] = {}
PROJECT_PACKAGE = __name__.split(".")[0]


def register(job: Job) -> None:
    """Add ``job`` to the schedule; registering the same job again changes nothing."""
    known = _registry.get(job.name)
    if known is not None and known != job:
        raise ValueError(f"another job is already registered as {job.name!r}")
    _registry[job.name] = job


def discover() -> None:
    """Register the ``JOBS`` of every app of this project that has a ``jobs`` module.

    Only the project's own apps: another package's ``jobs`` module (django_rq has one) is
    not ours to import or read.
    """
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith(f"{PROJECT_PACKAGE}."):
            continue
        module_name = f"{app_config.name}.jobs"
        if importlib.util.find_spec(module_name) is None:
            continue
        # A jobs module without a JOBS list (helpers only) registers nothing.
        app_jobs: list[Job] = getattr(import_module(module_name), "JOBS", [])
        for job in app_jobs:
            register(job)


def jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda job: (job.order, job.name))


def claim(job: Job, now: datetime) -> bool:
    """True when this scheduler won the run of ``job`` that is due at ``now``."""
    row, created = ScheduledJob.objects.get_or_create(
        name=job.name, defaults={"next_run_at": job.next_after(now)}
    )
    if created or row.next_run_at > now:
        return False
    won = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=job.next_after(now), last_run_at=now
    )
    return won == 1


def claim_and_enqueue(job: Job, now: datetime) -> bool:
    """Claim the due run of ``job`` and queue it, or neither.

    The claim and the enqueue share one transaction: on the database queue the task row
    commits with the claim; on Redis a failed enqueue rolls the claim back, so the job stays
    due and the next pass queues it (rather than waiting a whole period for the next run).
    A commit failing after a Redis enqueue can queue a run twice; tasks are idempotent.
    """
    with transaction.atomic():
        if not claim(job, now):
            return False
        job.enqueue()
    return True


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every due job this scheduler wins; returns their names.

    A job that fails to queue does not keep the others from being queued; the first
    failure is raised once all were tried, so the caller can retry after a pause.
    """
    now = now or datetime.now(UTC)
    started = []
    failure: Exception | None = None
    for job in jobs():
        try:
            if claim_and_enqueue(job, now):
                started.append(job.name)
        except Exception as exc:  # noqa: BLE001 - reported below, after the other jobs
            failure = failure or exc
    if failure is not None:
        raise failure
    return started


def next_wakeup(now: datetime) -> datetime:
    times = list(ScheduledJob.objects.values_list("next_run_at", flat=True))
    return min(times) if times else now
