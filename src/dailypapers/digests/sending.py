"""Send a chunk of a run's deliveries: exactly once per (subscriber, run), as far as SMTP allows.

Each delivery is claimed by a conditional UPDATE (pending -> sending) just before its SMTP
transaction and marked sent just after, so two workers never send the same delivery, and
a worker killed at any moment leaves at most the one message it had in flight to be sent
again (taken back at once by the next check when the worker is gone, else when its lease
runs out; see claims.py and runs.py). Papers recorded as sent to a subscriber are never
chosen for them again: the unique (subscriber, paper) rows are written in the same
transaction as the "sent" mark.

A chunk runs in phases: select (which deliveries, which papers each), then per message
claim, render, send and record, and a last record of the chunk; PhaseTimer adds up the
seconds of each (ChunkReport.seconds, and the run's *_seconds columns). The next message is rendered
*before* the current one goes to SMTP, so between an SMTP accept and the commit that
records it there is only that commit: no rendering that could fail or take time.

SIGTERM or SIGINT during a chunk asks it to stop after the message in flight: the rest of
the chunk goes back to pending for the next check, and the worker can exit within its
shutdown grace.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dailypapers.core.metrics import DIGEST_DELIVERIES, SMTP_SECONDS
from dailypapers.digests import claims, links, mime
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
from dailypapers.digests.stop_signals import stop_on_signals, stop_requested
from dailypapers.lib.phases import PhaseTimer

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


@dataclass
class Planned:
    delivery_id: int
    subscriber: SubscriberChoice
    paper_ids: list[int]
    attempts: int


@dataclass
class Prepared:
    """A planned message, rendered (or the error rendering it raised)."""

    item: Planned
    message_id: str = ""
    message: bytes = b""
    error: BaseException | None = None


def send_chunk(run_id: int, delivery_ids: list[int]) -> ChunkReport:
    """Build and send the pending deliveries among ``delivery_ids``; safe to run twice."""
    report = ChunkReport()
    run = DigestRun.objects.filter(pk=run_id).first()
    if run is None:
        return report
    timer = PhaseTimer(report.seconds)
    plan = _select(run, delivery_ids, report, timer)
    if plan:
        _papers, renderer = _RunCache.get(run)
        with stop_on_signals():
            _ChunkSender(run, renderer, report, timer).send(plan)
    DigestRun.objects.filter(pk=run_id).update(
        **{
            f"{phase}_seconds": F(f"{phase}_seconds") + value
            for phase, value in report.seconds.items()
        }
    )
    return report


def _select(
    run: DigestRun, delivery_ids: list[int], report: ChunkReport, timer: PhaseTimer
) -> list[Planned]:
    """The chunk's pending deliveries and each one's papers; cancelled and empty ones are
    recorded here. What is left to send, in order."""
    with timer.phase("select"):
        rows = list(
            Delivery.objects.filter(
                pk__in=delivery_ids,
                run_id=run.pk,
                state=State.PENDING,
                next_attempt_at__lte=timezone.now(),
            ).values_list("pk", "subscriber_id", "attempts")
        )
        report.skipped = len(delivery_ids) - len(rows)
        if not rows:
            return []
        papers, _renderer = _RunCache.get(run)
        choices, stopped = _load_subscribers([subscriber_id for _, subscriber_id, _ in rows])
        sent_before = _load_sent(list(choices), papers)

    plan: list[Planned] = []
    empty: list[tuple[int, int]] = []
    cancelled: list[int] = []
    with timer.phase("rank"):
        for delivery_id, subscriber_id, attempts in rows:
            subscriber = choices.get(subscriber_id)
            if subscriber is None or subscriber_id in stopped:
                cancelled.append(delivery_id)
                continue
            paper_ids = choose(subscriber, papers, sent_before.get(subscriber_id, set()))
            if paper_ids:
                plan.append(Planned(delivery_id, subscriber, paper_ids, attempts))
            else:
                empty.append((delivery_id, subscriber_id))

    with timer.phase("record"):
        if cancelled:
            report.cancelled = Delivery.objects.filter(
                pk__in=cancelled, state=State.PENDING
            ).update(state=State.CANCELLED)
        if empty:
            with transaction.atomic():
                report.empty = Delivery.objects.filter(
                    pk__in=[d for d, _ in empty], state=State.PENDING
                ).update(state=State.EMPTY)
                claims.advance_coverage([s for _, s in empty], run.latest_day)
    return plan


def _load_subscribers(ids: list[int]) -> tuple[dict[int, SubscriberChoice], set[int]]:
    """Each subscriber's choices, and which of them no longer get mail."""
    rows = Subscriber.objects.filter(pk__in=ids).values(
        *SubscriberChoice.FIELDS, "confirmed_at", "unsubscribed_at", "bounced_at", "paused"
    )
    choices: dict[int, SubscriberChoice] = {}
    stopped: set[int] = set()
    for row in rows:
        if (
            row["confirmed_at"] is None
            or row["unsubscribed_at"]
            or row["bounced_at"]
            or row["paused"]
        ):
            stopped.add(row["id"])
        choices[row["id"]] = SubscriberChoice.from_row(row)
    return choices, stopped


class _ChunkSender:
    """Sends a chunk's planned messages one by one: claim, render, send, record.

    The phases overlap so that an accepted message is never left unrecorded for longer
    than one commit: a message SMTP accepted is recorded in the transaction that claims
    the next one (one commit per digest, and still at most one delivery "sending" per
    worker), and the next message is rendered before the current one goes to SMTP.
    """

    def __init__(
        self, run: DigestRun, renderer: DigestRenderer, report: ChunkReport, timer: PhaseTimer
    ) -> None:
        self.run = run
        self.renderer = renderer
        self.report = report
        self.timer = timer
        self.smtp = mailer()
        self.token = claims.new_claim()
        self.unrecorded: tuple[int, int, list[int]] | None = None
        self.sent_subscribers: list[int] = []

    def send(self, plan: list[Planned]) -> None:
        upcoming = self._render(plan[0])
        try:
            for index in range(len(plan)):
                current = upcoming
                if stop_requested.is_set():
                    released = claims.release([p.delivery_id for p in plan[index:]])
                    logger.info("stopping: %s deliveries of this chunk left for later", released)
                    break
                claimed = self._claim(current)
                if index + 1 < len(plan):
                    upcoming = self._render(plan[index + 1])
                if not claimed:
                    self.report.skipped += 1
                    continue
                if current.error is not None:
                    self._unrendered(current, current.error)
                    continue
                if not self._send(current, later=plan[index + 1 :]):
                    break
        finally:
            self._record_last()

    def _render(self, item: Planned) -> Prepared:
        with self.timer.phase("render"):
            try:
                message_id = mime.make_message_id(sender_domain())
                message = build_message(self.renderer, item.subscriber, item.paper_ids, message_id)
                return Prepared(item, message_id, message)
            except Exception as exc:  # raised in its turn, after the message before is recorded
                return Prepared(item, error=exc)

    def _claim(self, prepared: Prepared) -> bool:
        """Record the message accepted before and claim this one, in one commit; False
        when another worker has this one."""
        item = prepared.item
        with self.timer.phase("record"):
            with transaction.atomic():
                if self.unrecorded is not None:
                    claims.record_sent(*self.unrecorded, self.token)
                claimed = claims.claim(
                    item.delivery_id, self.token, prepared.message_id, item.paper_ids
                )
            # Only once that commit stands: if the claim failed, the rollback undid the
            # record too, and _record_last must record the accepted message again.
            self.unrecorded = None
        return claimed

    def _unrendered(self, prepared: Prepared, error: BaseException) -> None:
        """A claimed digest that could not be built (bad data, a broken template) is retried
        later like a temporary failure, and fails for good after DIGEST_MAX_ATTEMPTS; the
        rest of the chunk goes on, so one subscriber's bad digest never holds back others."""
        item = prepared.item
        logger.error(
            "delivery %s: the digest could not be rendered", item.delivery_id, exc_info=error
        )
        retrying = claims.after_temporary_failure(
            item.delivery_id, self.token, item.attempts + 1, f"could not render: {error!r}"
        )
        self.report.retrying += retrying
        self.report.failed += 1 - retrying
        DIGEST_DELIVERIES.labels("retrying" if retrying else "failed").inc()

    def _send(self, prepared: Prepared, later: list[Planned]) -> bool:
        """Hand one claimed message to SMTP; False when the rest of the chunk must wait."""
        item = prepared.item
        try:
            with self.timer.phase("send"), SMTP_SECONDS.labels("digests").time():
                self.smtp.send(settings.DIGEST_FROM_EMAIL, item.subscriber.email, prepared.message)
        except TemporaryFailure as exc:
            if isinstance(exc, SenderRefused):
                logger.error("the mail server refused our sender or login: %s", exc)
            retrying = claims.after_temporary_failure(
                item.delivery_id, self.token, item.attempts + 1, str(exc)
            )
            self.report.retrying += retrying
            DIGEST_DELIVERIES.labels("retrying" if retrying else "failed").inc()
            # The server is unreachable or busy: leave the rest of the chunk for later
            # instead of failing every one of them now.
            rest = [p.delivery_id for p in later]
            self.report.retrying += claims.defer(rest, timezone.now(), str(exc))
            return False
        except PermanentFailure as exc:
            bounced = isinstance(exc, RecipientRefused)
            claims.after_permanent_failure(
                item.delivery_id, self.token, item.subscriber.id, str(exc), bounced
            )
            self.report.failed += 1
            DIGEST_DELIVERIES.labels("failed").inc()
            return True
        # Accepted: nothing but the next commit until it is recorded.
        self.unrecorded = (item.delivery_id, item.subscriber.id, item.paper_ids)
        self.sent_subscribers.append(item.subscriber.id)
        self.report.sent += 1
        DIGEST_DELIVERIES.labels("sent").inc()
        return True

    def _record_last(self) -> None:
        """Record what is still unrecorded, whether the chunk ended or failed."""
        with self.timer.phase("record"):
            if self.unrecorded is not None:
                # A commit of its own: the chunk's bookkeeping below may fail (a deadlock,
                # a lock timeout) and must not take the record of an accepted message
                # with it.
                with transaction.atomic():
                    claims.record_sent(*self.unrecorded, self.token)
            with transaction.atomic():
                claims.after_sending(self.sent_subscribers, self.run.latest_day)
