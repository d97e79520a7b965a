"""Send a chunk of a run's deliveries: exactly once per (subscriber, run), as far as SMTP allows.

Each delivery is claimed by a conditional UPDATE (pending -> sending) just before its SMTP
transaction and marked sent just after, so two workers never send the same delivery, and
a worker killed at any moment leaves at most the one message it had in flight to be sent
again (when its lease runs out, see runs.py). Papers recorded as sent to a subscriber are
never chosen for them again: the unique (subscriber, paper) rows are written in the same
transaction as the "sent" mark.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from dailypapers.digests import links, mime
from dailypapers.digests.models import Delivery, DigestRun, SentPaper, Subscriber
from dailypapers.digests.render import DigestRenderer
from dailypapers.digests.selection import RunPapers, SubscriberChoice, choose
from dailypapers.digests.smtp import (
    PermanentFailure,
    RecipientRefused,
    SenderRefused,
    TemporaryFailure,
    mailer,
)

logger = logging.getLogger(__name__)
State = Delivery.State


@dataclass
class ChunkReport:
    sent: int = 0
    empty: int = 0
    cancelled: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker, or no longer pending
    seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("select", "rank", "render", "send", "record"), 0.0)
    )

    def as_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent, "empty": self.empty, "cancelled": self.cancelled,
            "retrying": self.retrying, "failed": self.failed, "skipped": self.skipped,
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
        }  # fmt: skip


class _RunCache:
    """The last run's papers and renderer in this process: chunks of one run share them."""

    run_id: int | None = None
    papers: RunPapers | None = None
    renderer: DigestRenderer | None = None

    @classmethod
    def get(cls, run: DigestRun) -> tuple[RunPapers, DigestRenderer]:
        if cls.run_id != run.pk or cls.papers is None or cls.renderer is None:
            cls.papers = RunPapers(run)
            cls.renderer = DigestRenderer(run, cls.papers)
            cls.run_id = run.pk
        return cls.papers, cls.renderer

    @classmethod
    def clear(cls) -> None:
        cls.run_id, cls.papers, cls.renderer = None, None, None


@lru_cache(maxsize=1)
def _dkim_key(path: str) -> bytes:
    return Path(path).read_bytes()


def sender_domain() -> str:
    return _domain_of(settings.DIGEST_FROM_EMAIL)


@lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.DIGEST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def build_message(
    renderer: DigestRenderer, subscriber: SubscriberChoice, paper_ids: list[int], message_id: str
) -> bytes:
    digest = renderer.render(subscriber, paper_ids)
    unsubscribe = links.unsubscribe_url(subscriber.id, subscriber.link_key)
    mailto = f"mailto:{settings.DIGEST_UNSUBSCRIBE_MAILTO}?subject=unsubscribe"
    domain = sender_domain()
    raw = mime.compose(
        sender=settings.DIGEST_FROM_EMAIL,
        to=subscriber.email,
        subject=digest.subject,
        date=time.time(),
        message_id=message_id,
        text=digest.text,
        html=digest.html,
        extra_headers=(
            ("List-Unsubscribe", f"<{unsubscribe}>, <{mailto}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("List-Id", f"{settings.SITE_NAME} digest <digest.{domain}>"),
            ("Auto-Submitted", "auto-generated"),
            ("Precedence", "bulk"),
        ),
    )
    if settings.DIGEST_DKIM_KEY_FILE:
        raw = mime.dkim_sign(
            raw,
            selector=settings.DIGEST_DKIM_SELECTOR,
            domain=settings.DIGEST_DKIM_DOMAIN,
            private_key=_dkim_key(settings.DIGEST_DKIM_KEY_FILE),
        )
    return raw


def _load_sent(subscriber_ids: list[int], papers: RunPapers) -> dict[int, set[int]]:
    sent: dict[int, set[int]] = defaultdict(set)
    if not papers.by_id:
        return sent
    rows = SentPaper.objects.filter(
        subscriber_id__in=subscriber_ids, paper__announced_on__gte=papers.oldest_day
    ).values_list("subscriber_id", "paper_id")
    for subscriber_id, paper_id in rows:
        sent[subscriber_id].add(paper_id)
    return sent


def _advance_coverage(subscriber_ids: list[int], day) -> None:
    if day is None or not subscriber_ids:
        return
    # A retried delivery of an older run may finish after a newer one: never move back.
    Subscriber.objects.filter(pk__in=subscriber_ids).filter(
        Q(covered_until__isnull=True) | Q(covered_until__lt=day)
    ).update(covered_until=day)


def _defer(delivery_ids: list[int], now: datetime, error: str) -> int:
    """Put pending deliveries back for the next check, after the first retry delay."""
    return Delivery.objects.filter(pk__in=delivery_ids, state=State.PENDING).update(
        next_attempt_at=now + retry_delay(1), enqueued_at=None, error=error[:500]
    )


def send_chunk(run_id: int, delivery_ids: list[int]) -> ChunkReport:
    """Build and send the pending deliveries among ``delivery_ids``; safe to run twice."""
    report = ChunkReport()
    clock = time.perf_counter
    started = clock()
    run = DigestRun.objects.filter(pk=run_id).first()
    if run is None:
        return report
    now = timezone.now()
    rows = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, run_id=run_id, state=State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", "subscriber_id", "attempts")
    )
    report.skipped = len(delivery_ids) - len(rows)
    if not rows:
        return report
    papers, renderer = _RunCache.get(run)
    subscriber_rows = Subscriber.objects.filter(pk__in=[r[1] for r in rows]).values(
        *SubscriberChoice.FIELDS, "confirmed_at", "unsubscribed_at", "bounced_at", "paused"
    )
    choices: dict[int, SubscriberChoice] = {}
    stopped: set[int] = set()
    for row in subscriber_rows:
        if (
            row["confirmed_at"] is None
            or row["unsubscribed_at"]
            or row["bounced_at"]
            or row["paused"]
        ):
            stopped.add(row["id"])
        choices[row["id"]] = SubscriberChoice.from_row(row)
    sent_before = _load_sent(list(choices), papers)
    report.seconds["select"] += clock() - started

    mark = clock()
    plan: list[tuple[int, SubscriberChoice, list[int], int]] = []
    empty: list[tuple[int, int]] = []
    cancelled: list[int] = []
    for delivery_id, subscriber_id, attempts in rows:
        subscriber = choices.get(subscriber_id)
        if subscriber is None or subscriber_id in stopped:
            cancelled.append(delivery_id)
            continue
        paper_ids = choose(subscriber, papers, sent_before.get(subscriber_id, set()))
        if paper_ids:
            plan.append((delivery_id, subscriber, paper_ids, attempts))
        else:
            empty.append((delivery_id, subscriber_id))
    report.seconds["rank"] += clock() - mark

    mark = clock()
    if cancelled:
        report.cancelled = Delivery.objects.filter(pk__in=cancelled, state=State.PENDING).update(
            state=State.CANCELLED
        )
    if empty:
        with transaction.atomic():
            report.empty = Delivery.objects.filter(
                pk__in=[d for d, _ in empty], state=State.PENDING
            ).update(state=State.EMPTY)
            _advance_coverage([s for _, s in empty], run.latest_day)
    report.seconds["record"] += clock() - mark

    smtp = mailer()
    claim = secrets.token_hex(8)
    # A message SMTP accepted is recorded in the same transaction that claims the next
    # one: one commit per digest, and still at most one delivery "sending" per worker.
    unrecorded: tuple[int, int, list[int]] | None = None
    sent_subscribers: list[int] = []
    try:
        for index, (delivery_id, subscriber, paper_ids, attempts) in enumerate(plan):
            mark = clock()
            message_id = mime.make_message_id(sender_domain())
            message = build_message(renderer, subscriber, paper_ids, message_id)
            report.seconds["render"] += clock() - mark

            mark = clock()
            with transaction.atomic():
                if unrecorded is not None:
                    _record_sent(*unrecorded, claim)
                claimed = _claim(delivery_id, claim, message_id, paper_ids)
            # Only once that commit stands: if the claim failed, the rollback undid the
            # record too, and the finally below must record the accepted message again.
            unrecorded = None
            report.seconds["record"] += clock() - mark
            if not claimed:
                report.skipped += 1
                continue

            mark = clock()
            try:
                smtp.send(settings.DIGEST_FROM_EMAIL, subscriber.email, message)
            except TemporaryFailure as exc:
                report.seconds["send"] += clock() - mark
                if isinstance(exc, SenderRefused):
                    logger.error("the mail server refused our sender or login: %s", exc)
                report.retrying += _after_temporary_failure(
                    delivery_id, claim, attempts + 1, str(exc)
                )
                # The server is unreachable or busy: leave the rest of the chunk for later
                # instead of failing every one of them now.
                rest = [d for d, *_ in plan[index + 1 :]]
                report.retrying += _defer(rest, timezone.now(), str(exc))
                break
            except PermanentFailure as exc:
                report.seconds["send"] += clock() - mark
                bounced = isinstance(exc, RecipientRefused)
                _after_permanent_failure(delivery_id, claim, subscriber.id, str(exc), bounced)
                report.failed += 1
                continue
            report.seconds["send"] += clock() - mark
            unrecorded = (delivery_id, subscriber.id, paper_ids)
            sent_subscribers.append(subscriber.id)
            report.sent += 1
    finally:
        mark = clock()
        with transaction.atomic():
            if unrecorded is not None:
                _record_sent(*unrecorded, claim)
            _after_sending(sent_subscribers, run.latest_day)
        report.seconds["record"] += clock() - mark

    DigestRun.objects.filter(pk=run_id).update(
        **{
            f"{phase}_seconds": F(f"{phase}_seconds") + value
            for phase, value in report.seconds.items()
        }
    )
    return report


# The per-message statements, in plain SQL: they run once or twice per digest, and
# building them through the ORM cost more than executing them.
def _sql(template: str, rows: str = "") -> str:
    return template.format(
        rows=rows,
        delivery=connection.ops.quote_name(Delivery._meta.db_table),
        sent=connection.ops.quote_name(SentPaper._meta.db_table),
        json="%s::jsonb" if connection.vendor == "postgresql" else "%s",
    )


_CLAIM = (
    "UPDATE {delivery} SET state = 'sending', claim = %s, claimed_at = %s, "
    "attempts = attempts + 1, message_id = %s, paper_ids = {json} "
    "WHERE id = %s AND state = 'pending'"
)
_MARK_SENT = (
    "UPDATE {delivery} SET state = 'sent', sent_at = %s, error = '' "
    "WHERE id = %s AND claim = %s AND state = 'sending'"
)
_SENT_PAPERS = (
    "INSERT INTO {sent} (subscriber_id, paper_id, delivery_id) VALUES {rows} ON CONFLICT DO NOTHING"
)


def _now_param() -> object:
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _claim(delivery_id: int, claim: str, message_id: str, paper_ids: list[int]) -> bool:
    """pending -> sending, for this worker only; False when someone else has it."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(_CLAIM),
            [claim, _now_param(), message_id, json.dumps(paper_ids), delivery_id],
        )
        return cursor.rowcount == 1


def _record_sent(delivery_id: int, subscriber_id: int, paper_ids: list[int], claim: str) -> None:
    """Mark one accepted message sent, and its papers never to be sent again (inside the
    caller's transaction)."""
    rows = ", ".join(["(%s, %s, %s)"] * len(paper_ids))
    params: list[object] = []
    for paper_id in paper_ids:
        params += (subscriber_id, paper_id, delivery_id)
    with connection.cursor() as cursor:
        cursor.execute(_sql(_MARK_SENT), [_now_param(), delivery_id, claim])
        cursor.execute(_sql(_SENT_PAPERS, rows), params)


def _after_sending(subscriber_ids: list[int], day) -> None:
    """Once per chunk: when these subscribers last got mail, and which days it covered.

    A worker killed mid-chunk skips this for its chunk; the papers it sent are recorded
    already, so nothing repeats: their next digest only looks back a little further.
    """
    if not subscriber_ids:
        return
    Subscriber.objects.filter(pk__in=subscriber_ids).update(
        last_sent_at=timezone.now(), bounce_count=0
    )
    _advance_coverage(subscriber_ids, day)


def _after_temporary_failure(delivery_id: int, claim: str, attempts: int, error: str) -> int:
    now = timezone.now()
    if attempts >= settings.DIGEST_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery_id, claim=claim, state=State.SENDING).update(
            state=State.FAILED, error=f"gave up after {attempts} attempts: {error}"[:500]
        )
        logger.warning("delivery %s failed after %s attempts: %s", delivery_id, attempts, error)
        return 0
    Delivery.objects.filter(pk=delivery_id, claim=claim, state=State.SENDING).update(
        state=State.PENDING,
        next_attempt_at=now + retry_delay(attempts),
        enqueued_at=None,
        claim="",
        error=error[:500],
    )
    return 1


def _after_permanent_failure(
    delivery_id: int, claim: str, subscriber_id: int, error: str, bounced: bool
) -> None:
    """Fail the delivery; only a refused recipient address counts towards stopping its mail."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id, claim=claim, state=State.SENDING).update(
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
