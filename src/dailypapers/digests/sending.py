"""Send a chunk of a run's deliveries: exactly once per (subscriber, run), as far as SMTP allows.

Each delivery is claimed by a conditional UPDATE (pending -> sending) just before its SMTP
transaction and marked sent just after, so two workers never send the same delivery, and
a worker killed at any moment leaves at most the one message it had in flight to be sent
again (taken back at once by the next check when the worker is gone, else when its lease
runs out; see claims.py and runs.py). Papers recorded as sent to a subscriber are never
chosen for them again: the unique (subscriber, paper) rows are written in the same
transaction as the "sent" mark.

A chunk runs in three phases: select (which deliveries, which papers each), send (per
message: claim, SMTP, record) and a last record of the chunk. The next message is rendered
*before* the current one goes to SMTP, so between an SMTP accept and the commit that
records it there is only that commit: no rendering that could fail or take time.

SIGTERM or SIGINT during a chunk asks it to stop after the message in flight: the rest of
the chunk goes back to pending for the next check, and the worker can exit within its
shutdown grace.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

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


_stop = threading.Event()


def request_stop() -> None:
    """Stop the chunk being sent after its message in flight (a graceful shutdown)."""
    _stop.set()


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """While a chunk is sent, SIGTERM and SIGINT also ask it to stop between messages.

    The worker's own handler still runs (db_worker's marks itself stopping and waits for
    this task; a second signal still ends it at once). Where the previous disposition was
    the default (RQ's work horse), the chunk stops early instead of dying mid-message.
    Python's own Ctrl-C handler (`dailypapers digest send` in a terminal) would raise
    KeyboardInterrupt wherever the chunk is, even between an SMTP accept and its record:
    the first Ctrl-C is raised once the chunk has stopped and recorded what was sent.
    """
    _stop.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    interrupted = False

    def handler(signum: int, frame: object) -> None:
        nonlocal interrupted
        first = not _stop.is_set()
        _stop.set()
        chained = previous[signum]
        if first and chained is signal.default_int_handler:
            interrupted = True
        elif callable(chained):
            chained(signum, frame)
        elif not first and chained == signal.SIG_DFL:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    for signum in previous:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, chained in previous.items():
            signal.signal(signum, chained)
    if interrupted:
        raise KeyboardInterrupt


def send_chunk(run_id: int, delivery_ids: list[int]) -> ChunkReport:
    """Build and send the pending deliveries among ``delivery_ids``; safe to run twice."""
    report = ChunkReport()
    run = DigestRun.objects.filter(pk=run_id).first()
    if run is None:
        return report
    plan = _select(run, delivery_ids, report)
    if plan:
        _papers, renderer = _RunCache.get(run)
        with _stop_on_signals():
            _send(run, renderer, plan, report)
    DigestRun.objects.filter(pk=run_id).update(
        **{
            f"{phase}_seconds": F(f"{phase}_seconds") + value
            for phase, value in report.seconds.items()
        }
    )
    return report


def _select(run: DigestRun, delivery_ids: list[int], report: ChunkReport) -> list[Planned]:
    """Phase 1: the chunk's pending deliveries and each one's papers; cancelled and empty
    ones are recorded here. What is left to send, in order."""
    clock = time.perf_counter
    started = clock()
    now = timezone.now()
    rows = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, run_id=run.pk, state=State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", "subscriber_id", "attempts")
    )
    report.skipped = len(delivery_ids) - len(rows)
    if not rows:
        return []
    papers, _renderer = _RunCache.get(run)
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
    plan: list[Planned] = []
    empty: list[tuple[int, int]] = []
    cancelled: list[int] = []
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
            claims.advance_coverage([s for _, s in empty], run.latest_day)
    report.seconds["record"] += clock() - mark
    return plan


def _prepare(renderer: DigestRenderer, item: Planned, report: ChunkReport) -> Prepared:
    mark = time.perf_counter()
    try:
        message_id = mime.make_message_id(sender_domain())
        message = build_message(renderer, item.subscriber, item.paper_ids, message_id)
        prepared = Prepared(item, message_id, message)
    except Exception as exc:  # raised in its turn, after the message before it is recorded
        prepared = Prepared(item, error=exc)
    report.seconds["render"] += time.perf_counter() - mark
    return prepared


def _send(
    run: DigestRun, renderer: DigestRenderer, plan: list[Planned], report: ChunkReport
) -> None:
    """Phase 2, per message: claim it (in the commit that records the one before), render
    the next, hand it to SMTP. Phase 3 (the finally): record what is still unrecorded."""
    clock = time.perf_counter
    smtp = mailer()
    token = claims.new_claim()
    # A message SMTP accepted is recorded in the same transaction that claims the next
    # one: one commit per digest, and still at most one delivery "sending" per worker.
    unrecorded: tuple[int, int, list[int]] | None = None
    sent_subscribers: list[int] = []
    upcoming = _prepare(renderer, plan[0], report)
    try:
        for index in range(len(plan)):
            current = upcoming
            if _stop.is_set():
                released = claims.release([p.delivery_id for p in plan[index:]])
                logger.info("stopping: %s deliveries of this chunk left for later", released)
                break
            if current.error is not None:
                raise current.error
            item = current.item

            mark = clock()
            with transaction.atomic():
                if unrecorded is not None:
                    claims.record_sent(*unrecorded, token)
                claimed = claims.claim(item.delivery_id, token, current.message_id, item.paper_ids)
            # Only once that commit stands: if the claim failed, the rollback undid the
            # record too, and the finally below must record the accepted message again.
            unrecorded = None
            report.seconds["record"] += clock() - mark
            if index + 1 < len(plan):
                upcoming = _prepare(renderer, plan[index + 1], report)
            if not claimed:
                report.skipped += 1
                continue

            mark = clock()
            try:
                smtp.send(settings.DIGEST_FROM_EMAIL, item.subscriber.email, current.message)
            except TemporaryFailure as exc:
                report.seconds["send"] += clock() - mark
                if isinstance(exc, SenderRefused):
                    logger.error("the mail server refused our sender or login: %s", exc)
                report.retrying += claims.after_temporary_failure(
                    item.delivery_id, token, item.attempts + 1, str(exc)
                )
                # The server is unreachable or busy: leave the rest of the chunk for later
                # instead of failing every one of them now.
                rest = [p.delivery_id for p in plan[index + 1 :]]
                report.retrying += claims.defer(rest, timezone.now(), str(exc))
                break
            except PermanentFailure as exc:
                report.seconds["send"] += clock() - mark
                bounced = isinstance(exc, RecipientRefused)
                claims.after_permanent_failure(
                    item.delivery_id, token, item.subscriber.id, str(exc), bounced
                )
                report.failed += 1
                continue
            # Accepted: nothing but the next commit until it is recorded.
            unrecorded = (item.delivery_id, item.subscriber.id, item.paper_ids)
            report.seconds["send"] += clock() - mark
            sent_subscribers.append(item.subscriber.id)
            report.sent += 1
    finally:
        mark = clock()
        if unrecorded is not None:
            # A commit of its own: the chunk's bookkeeping below may fail (a deadlock, a
            # lock timeout) and must not take the record of an accepted message with it.
            with transaction.atomic():
                claims.record_sent(*unrecorded, token)
        with transaction.atomic():
            claims.after_sending(sent_subscribers, run.latest_day)
        report.seconds["record"] += clock() - mark
