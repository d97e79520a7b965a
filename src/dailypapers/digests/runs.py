"""Digest runs: start one when subscribers are due, fan it out, resume it until done.

``check`` is idempotent and cheap when there is nothing to do; the scheduler enqueues it
every DIGEST_CHECK_MINUTES. It

1. creates the run of the current UTC hour when any subscriber is due, and turns every due
   subscriber into a pending delivery of it, moving their next due time forward in the
   same transaction: nobody due is skipped, nobody gets two deliveries for one due time,
   and a planner killed half-way is continued by the next check;
2. enqueues the deliveries in chunks (ids only) for the workers, after commit;
3. resumes unfinished runs: deliveries whose worker died while sending go back to pending
   after DIGEST_LEASE_SECONDS (that one message may repeat), pending ones that waited for
   a retry or whose task was lost are enqueued again;
4. closes runs with nothing left to send, and deletes runs older than DIGEST_KEEP_DAYS.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dailypapers.digests.models import Delivery, DigestRun, SentPaper, Subscriber
from dailypapers.digests.schedule import hour_slot, next_due
from dailypapers.papers.models import Paper

logger = logging.getLogger(__name__)
State = Delivery.State
PLAN_BATCH = 1000  # subscribers per transaction; 4 parameters each in one INSERT


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Queues one chunk for a worker (the send_digest_chunk task), installed by DigestsConfig.ready():
# tasks.py imports this module, so this one does not import it back.
ChunkSender = Callable[[int, list[int]], object]
_chunk_sender: ChunkSender | None = None


def use_chunk_sender(sender: ChunkSender) -> None:
    global _chunk_sender
    _chunk_sender = sender


def enqueue_chunks(run_id: int, delivery_ids: list[int]) -> int:
    """Hand the deliveries to the workers, DIGEST_CHUNK_SIZE at a time, once committed."""
    send = _chunk_sender
    if send is None:
        raise RuntimeError("no digest chunk sender: DigestsConfig.ready() has not run")
    chunks = list(_chunks(delivery_ids, max(1, settings.DIGEST_CHUNK_SIZE)))

    def enqueue() -> None:
        for chunk in chunks:
            send(run_id, chunk)

    transaction.on_commit(enqueue)
    return len(chunks)


def latest_announcement_day():
    return Paper.objects.aggregate(day=Max("announced_on"))["day"]


def due_subscribers(now: datetime):
    return Subscriber.objects.filter(next_due_at__lte=now)


def start_due_run(now: datetime) -> DigestRun | None:
    if not due_subscribers(now).exists():
        return None
    run, created = DigestRun.objects.get_or_create(
        slot=hour_slot(now), defaults={"latest_day": latest_announcement_day()}
    )
    if created:
        logger.info("digest run %s started", run)
    plan(run, now)
    return run


def _insert_deliveries(run_id: int, subscriber_ids: list[int], now: datetime) -> None:
    """One pending delivery per subscriber, skipping those the run already has.

    Plain SQL: building a hundred thousand model instances took longer than inserting them.
    """
    table = connection.ops.quote_name(Delivery._meta.db_table)
    when = connection.ops.adapt_datetimefield_value(now)
    rows = ", ".join(["(%s, %s, 'pending', 0, %s, %s, '', '', '[]', '')"] * len(subscriber_ids))
    params: list[object] = []
    for subscriber_id in subscriber_ids:
        params += (run_id, subscriber_id, when, when)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (run_id, subscriber_id, state, attempts, next_attempt_at, "
            f"enqueued_at, claim, message_id, paper_ids, error) VALUES {rows} "
            "ON CONFLICT DO NOTHING",
            params,
        )


def plan(run: DigestRun, now: datetime, *, fan_out: bool = True) -> list[int]:
    """Turn every subscriber due at ``now`` into a pending delivery of ``run``.

    Two checks may plan at once, and across an hour boundary into two different runs: each
    locks the due rows it reads until their next due time is moved, and skips the rows
    another planner holds (they will not be due once it commits), so a subscriber is
    planned into one run per due time. (SQLite runs one writing transaction at a time.)
    """
    planned: list[int] = []
    while True:
        with transaction.atomic():
            rows = list(
                due_subscribers(now)
                .select_for_update(skip_locked=True)
                .order_by("next_due_at", "pk")
                .values("pk", "frequency", "send_hour", "time_zone", "weekday")[:PLAN_BATCH]
            )
            if not rows:
                break
            ids = [row["pk"] for row in rows]
            _insert_deliveries(run.pk, ids, now)
            # Subscribers with the same schedule share a next due time: one UPDATE each.
            groups: dict[tuple, list[int]] = defaultdict(list)
            for row in rows:
                key = (row["frequency"], row["send_hour"], row["time_zone"], row["weekday"])
                groups[key].append(row["pk"])
            for (frequency, hour, zone, weekday), members in groups.items():
                upcoming = next_due(
                    now, frequency=frequency, send_hour=hour, time_zone=zone, weekday=weekday
                )
                Subscriber.objects.filter(pk__in=members).update(next_due_at=upcoming)
            delivery_ids = list(
                Delivery.objects.filter(
                    run=run, subscriber_id__in=ids, state=State.PENDING
                ).values_list("pk", flat=True)
            )
            if fan_out:
                enqueue_chunks(run.pk, delivery_ids)
            planned.extend(delivery_ids)
    with transaction.atomic():
        DigestRun.objects.filter(pk=run.pk).update(
            planned=Delivery.objects.filter(run=run).count(), planning_done=True
        )
    return planned


def resume(run: DigestRun, now: datetime) -> int:
    """Re-enqueue what a lost worker or a temporary failure left behind; returns how many."""
    lease = timedelta(seconds=settings.DIGEST_LEASE_SECONDS)
    lost = Delivery.objects.filter(run=run, state=State.SENDING, claimed_at__lt=now - lease).update(
        state=State.PENDING,
        claim="",
        next_attempt_at=now,
        enqueued_at=None,
        error="the worker stopped while sending; sent again (it may repeat once)",
    )
    if lost:
        logger.warning("%s: %s deliveries taken back from lost workers", run, lost)
    requeue_before = now - timedelta(seconds=settings.DIGEST_REQUEUE_SECONDS)
    with transaction.atomic():
        waiting = Delivery.objects.filter(
            run=run, state=State.PENDING, next_attempt_at__lte=now
        ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=requeue_before))
        ids = list(waiting.values_list("pk", flat=True))
        if ids:
            Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
            enqueue_chunks(run.pk, ids)
    return len(ids)


def finish_if_done(run: DigestRun, now: datetime) -> bool:
    run.refresh_from_db(fields=["planning_done"])
    if not (run.planning_done or run.slot < hour_slot(now)):
        return False
    if Delivery.objects.filter(run=run, state__in=[State.PENDING, State.SENDING]).exists():
        return False
    DigestRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=now)
    logger.info("%s finished: %s", run, summary(run))
    return True


def summary(run: DigestRun) -> dict[str, int]:
    counts = dict(
        Delivery.objects.filter(run=run).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return {state: counts.get(state, 0) for state in State.values}


def prune(now: datetime) -> int:
    """Delete the oldest finished run past DIGEST_KEEP_DAYS, with its deliveries and the
    papers-sent rows they made; one run per call, so a check stays short.

    Papers-sent rows only matter while their papers can still be chosen (a week), so
    keeping them DIGEST_KEEP_DAYS (at least 8) is enough to never repeat a paper.
    """
    keep = timedelta(days=max(8, settings.DIGEST_KEEP_DAYS))
    old = DigestRun.objects.filter(slot__lt=now - keep, finished_at__isnull=False)
    run = old.order_by("slot").first()
    if run is None:
        return 0
    with transaction.atomic():
        SentPaper.objects.filter(delivery__run=run).delete()
        with connection.cursor() as cursor:  # no per-row work: the papers-sent rows are gone
            table = connection.ops.quote_name(Delivery._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE run_id = %s", [run.pk])
            deleted = cursor.rowcount
        DigestRun.objects.filter(pk=run.pk).delete()
    logger.info("%s pruned (%s deliveries)", run, deleted)
    return 1


def check(now: datetime | None = None) -> dict[str, int]:
    """Start, resume and close runs; the scheduler's digest job."""
    now = now or timezone.now()
    started = start_due_run(now)
    requeued = 0
    finished = 0
    for run in DigestRun.objects.filter(finished_at__isnull=True).order_by("slot"):
        requeued += resume(run, now)
        finished += finish_if_done(run, now)
    return {
        "run": started.pk if started else 0,
        "requeued": requeued,
        "finished": finished,
        "pruned": prune(now),
    }
