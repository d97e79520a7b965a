"""A delivery's state changes: claimed, recorded sent, failed, released, reclaimed.

A claim token names the worker that holds a delivery: a short tag of the host, the
worker's process id and a random part. That is what lets a restarted worker (or the next
digest check) take back at once what a dead worker on the same machine held, instead of
waiting for its lease (DIGEST_LEASE_SECONDS) to run out.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dailypapers.digests.models import Delivery, SentPaper, Subscriber
from dailypapers.lib.process import host_tag, pid_alive

logger = logging.getLogger("dailypapers.digests.sending")
State = Delivery.State
LOST_WORKER_NOTE = "the worker stopped while sending; sent again (it may repeat once)"


def new_claim() -> str:
    """This worker's token for one chunk (at most 32 characters)."""
    return f"{host_tag()}.{os.getpid()}.{secrets.token_hex(4)}"


def _claim_pid(claim: str) -> int | None:
    parts = claim.split(".")
    if len(parts) != 3 or parts[0] != host_tag() or not parts[1].isdigit():
        return None  # another machine's worker, or an older token: its lease decides
    return int(parts[1])


def reclaim_from_dead_workers(now: datetime | None = None) -> int:
    """Put back to pending what dead workers of this machine left "sending"; how many."""
    now = now or timezone.now()
    held = Delivery.objects.filter(
        state=State.SENDING, claim__startswith=host_tag() + "."
    ).values_list("pk", "claim")
    dead: list[int] = []
    for pk, claim in held:
        pid = _claim_pid(claim)
        if pid is not None and pid != os.getpid() and not pid_alive(pid):
            dead.append(pk)
    if not dead:
        return 0
    taken = Delivery.objects.filter(pk__in=dead, state=State.SENDING).update(
        state=State.PENDING, claim="", next_attempt_at=now, enqueued_at=None,
        error=LOST_WORKER_NOTE,
    )  # fmt: skip
    logger.warning("%s deliveries taken back from workers that died", taken)
    return taken


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.DIGEST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def advance_coverage(subscriber_ids: list[int], day) -> None:
    if day is None or not subscriber_ids:
        return
    # A retried delivery of an older run may finish after a newer one: never move back.
    Subscriber.objects.filter(pk__in=subscriber_ids).filter(
        Q(covered_until__isnull=True) | Q(covered_until__lt=day)
    ).update(covered_until=day)


def defer(delivery_ids: list[int], now: datetime, error: str) -> int:
    """Put pending deliveries back for the next check, after the first retry delay."""
    return Delivery.objects.filter(pk__in=delivery_ids, state=State.PENDING).update(
        next_attempt_at=now + retry_delay(1), enqueued_at=None, error=error[:500]
    )


def release(delivery_ids: list[int]) -> int:
    """Hand pending deliveries back unsent (the worker is stopping): the next digest check
    queues them again at once."""
    return Delivery.objects.filter(pk__in=delivery_ids, state=State.PENDING).update(
        enqueued_at=None
    )


# The per-message statements, in plain SQL: they run once or twice per digest, and
# building them through the ORM cost more than executing them.
def _sql(template: str, rows: str = "") -> str:
    return template.format(
        rows=rows,
        delivery=connection.ops.quote_name(Delivery._meta.db_table),
        sent=connection.ops.quote_name(SentPaper._meta.db_table),
    )


_CLAIM = (
    "UPDATE {delivery} SET state = 'sending', claim = %s, claimed_at = %s, "
    "attempts = attempts + 1, message_id = %s, paper_ids = %s "
    "WHERE id = %s AND state = 'pending'"
)
_MARK_SENT = (
    "UPDATE {delivery} SET state = 'sent', sent_at = %s, error = '' "
    "WHERE id = %s AND claim = %s AND state = 'sending'"
)
_SENT_PAPERS = (
    "INSERT INTO {sent} (subscriber_id, paper_id, delivery_id) VALUES {rows} ON CONFLICT DO NOTHING"
)


_PAPER_IDS = Delivery._meta.get_field("paper_ids")


def _now_param() -> Any:  # what the driver takes: a string on SQLite, a datetime elsewhere
    return connection.ops.adapt_datetimefield_value(timezone.now())


def claim(delivery_id: int, token: str, message_id: str, paper_ids: list[int]) -> bool:
    """pending -> sending, for this worker only; False when someone else has it."""
    # The field adapts the list as its backend stores JSON (jsonb on PostgreSQL, text on
    # SQLite), without building the statement through the ORM.
    paper_ids_param = _PAPER_IDS.get_db_prep_value(paper_ids, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(_CLAIM),
            [token, _now_param(), message_id, paper_ids_param, delivery_id],
        )
        return cursor.rowcount == 1


def record_sent(delivery_id: int, subscriber_id: int, paper_ids: list[int], token: str) -> None:
    """Mark one accepted message sent, and its papers never to be sent again (inside the
    caller's transaction)."""
    rows = ", ".join(["(%s, %s, %s)"] * len(paper_ids))
    params: list[Any] = []
    for paper_id in paper_ids:
        params += (subscriber_id, paper_id, delivery_id)
    with connection.cursor() as cursor:
        cursor.execute(_sql(_MARK_SENT), [_now_param(), delivery_id, token])
        cursor.execute(_sql(_SENT_PAPERS, rows), params)


def after_sending(subscriber_ids: list[int], day) -> None:
    """Once per chunk: when these subscribers last got mail, and which days it covered.

    A worker killed mid-chunk skips this for its chunk; the papers it sent are recorded
    already, so nothing repeats: their next digest only looks back a little further.
    """
    if not subscriber_ids:
        return
    Subscriber.objects.filter(pk__in=subscriber_ids).update(
        last_sent_at=timezone.now(), bounce_count=0
    )
    advance_coverage(subscriber_ids, day)


def after_temporary_failure(delivery_id: int, token: str, attempts: int, error: str) -> int:
    now = timezone.now()
    if attempts >= settings.DIGEST_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery_id, claim=token, state=State.SENDING).update(
            state=State.FAILED, error=f"gave up after {attempts} attempts: {error}"[:500]
        )
        logger.warning("delivery %s failed after %s attempts: %s", delivery_id, attempts, error)
        return 0
    Delivery.objects.filter(pk=delivery_id, claim=token, state=State.SENDING).update(
        state=State.PENDING,
        next_attempt_at=now + retry_delay(attempts),
        enqueued_at=None,
        claim="",
        error=error[:500],
    )
    return 1


def after_permanent_failure(
    delivery_id: int, token: str, subscriber_id: int, error: str, bounced: bool
) -> None:
    """Fail the delivery; only a refused recipient address counts towards stopping its mail."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id, claim=token, state=State.SENDING).update(
            state=State.FAILED, error=error[:500]
        )
        if bounced:
            Subscriber.objects.filter(pk=subscriber_id).update(bounce_count=F("bounce_count") + 1)
            Subscriber.objects.filter(
                pk=subscriber_id,
                bounce_count__gte=settings.DIGEST_MAX_BOUNCES,
                bounced_at__isnull=True,
            ).update(bounced_at=timezone.now(), next_due_at=None)
    if bounced:
        logger.warning("delivery %s: the recipient was refused for good: %s", delivery_id, error)
    else:
        # Not the address's fault (e.g. the content was refused): the subscriber stays.
        logger.error("delivery %s: the mail server refused the message: %s", delivery_id, error)
