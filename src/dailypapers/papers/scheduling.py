"""Recurring jobs, listed in one place, and the claim that lets several schedulers coexist.

The scheduler command only decides *when*; each job enqueues a task and the workers do
the work. A run is claimed by moving ``next_run_at`` forward with a conditional UPDATE
that only one scheduler can win, so two schedulers never enqueue the same run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from dailypapers.lib.arxiv.schedule import next_ingest_time
from dailypapers.papers.models import ScheduledJob

# OAI-PMH sets are archives; physics archives sit under "physics:".
PHYSICS_ARCHIVES = {
    "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph",
    "nlin", "nucl-ex", "nucl-th", "physics", "quant-ph",
}  # fmt: skip


def oai_sets(categories: list[str]) -> list[str]:
    sets: list[str] = []
    for category in categories:
        archive = category.split(".")[0]
        spec = f"physics:{archive}" if archive in PHYSICS_ARCHIVES else archive
        if spec not in sets:
            sets.append(spec)
    return sets


def parse_hhmm(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"INGEST_AT_UTC must be HH:MM, got {text!r}") from None


@dataclass(frozen=True)
class Job:
    name: str
    next_after: Callable[[datetime], datetime]
    enqueue: Callable[[], object]


def _daily_at_ingest_time(now: datetime) -> datetime:
    return next_ingest_time(now, parse_hhmm(settings.INGEST_AT_UTC))


def _enqueue_listings() -> object:
    from dailypapers.papers.tasks import ingest_listings

    return ingest_listings.enqueue(list(settings.ARXIV_CATEGORIES))


def _enqueue_harvests() -> object:
    from dailypapers.papers.tasks import harvest_set

    return [harvest_set.enqueue(spec) for spec in oai_sets(list(settings.ARXIV_CATEGORIES))]


def _every_few_minutes(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.TRENDING_REFRESH_MINUTES)


def _enqueue_trending() -> object:
    from dailypapers.feed.tasks import refresh_trending

    return refresh_trending.enqueue()


def _every_digest_check(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.DIGEST_CHECK_MINUTES)


def _enqueue_digest_check() -> object:
    from dailypapers.digests.tasks import check_digests

    return check_digests.enqueue()


def _enqueue_mail_requeue() -> object:
    from dailypapers.mail.tasks import requeue_stalled_email

    return requeue_stalled_email.enqueue()


def jobs() -> list[Job]:
    return [
        Job("ingest-rss-listings", _daily_at_ingest_time, _enqueue_listings),
        Job("harvest-oai", _daily_at_ingest_time, _enqueue_harvests),
        Job("refresh-trending", _every_few_minutes, _enqueue_trending),
        # Starts a digest run when subscribers are due, and resumes unfinished ones.
        Job("check-digests", _every_digest_check, _enqueue_digest_check),
        # Account and subscription emails whose task went missing (mail/queue.py).
        Job("requeue-mail", _every_digest_check, _enqueue_mail_requeue),
    ]


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
