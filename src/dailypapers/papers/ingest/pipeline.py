"""Drive records from any source through normalise → validate → upsert, and count the outcome.

Sources hand over an iterable of ``PaperRecord`` (ready to store) or ``SkippedInput``
(already found unusable by the parser). A bad record is skipped and reported, never
aborting the batch; each batch of good ones is written in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings

from dailypapers.core.metrics import INGEST_PAPERS, INGEST_RUNS
from dailypapers.lib.records import PaperRecord, SkippedInput
from dailypapers.papers.ingest.normalize import CleanPaper, InvalidRecord, normalize
from dailypapers.papers.ingest.upsert import upsert_batch
from dailypapers.papers.ingest.writes import KnownAuthors
from dailypapers.papers.models import IngestRun
from dailypapers.papers.queries import forget_latest_announcement_day
from dailypapers.papers.signals import papers_imported

MAX_REASONS = 10


@dataclass
class IngestReport:
    source: str
    detail: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)  # the first few, "line 17: …"
    changed_paper_ids: list[int] = field(default_factory=list)
    error: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def processed(self) -> int:
        return self.new + self.updated + self.unchanged + self.skipped

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(f"{where}: {reason}")

    def summary_line(self) -> str:
        rate = self.processed / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.source}: {self.new:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.skipped:,} skipped "
            f"in {self.seconds:.1f} s ({rate:,.0f} records/s)"
        )

    def finish(self, error: str = "") -> IngestReport:
        self.finished = time.monotonic()
        self.error = error
        IngestRun.objects.create(
            source=self.source,
            detail=self.detail[:400],
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
            skipped=self.skipped,
            error=error[:2000],
        )
        self._count()
        papers_imported.send(self.source, count=self.new + self.updated, ids=self.changed_paper_ids)
        return self

    def _count(self) -> None:
        # Sources are names in the code (rss, oai, api, jsonl), never input: few labels.
        for outcome in ("new", "updated", "unchanged", "skipped"):
            INGEST_PAPERS.labels(self.source, outcome).inc(getattr(self, outcome))
        INGEST_RUNS.labels(self.source, "error" if self.error else "ok").inc()


Item = PaperRecord | CleanPaper | SkippedInput | tuple[str, PaperRecord | SkippedInput]
Progress = Callable[[int], None]


def ingest(
    items: Iterable[Item],
    report: IngestReport,
    *,
    batch_size: int | None = None,
    on_progress: Progress | None = None,
    keep_changed_ids: bool = True,
) -> IngestReport:
    """Feed ``items`` through the pipeline, updating ``report``.

    An item may be a record, a skip, or ``(where, record-or-skip)`` so that reasons for
    invalid records name the line or entry they came from.
    """
    batch_size = batch_size or settings.INGEST_BATCH_SIZE
    max_chars = settings.INGEST_MAX_FIELD_CHARS
    batch: list[CleanPaper] = []
    authors = KnownAuthors()

    def flush() -> None:
        if not batch:
            return
        result = upsert_batch(batch, authors=authors)
        if result.new or result.updated:
            forget_latest_announcement_day()  # the batch may hold a newer day
        report.new += result.new
        report.updated += result.updated
        report.unchanged += result.unchanged + (len(batch) - _distinct(batch))
        if keep_changed_ids:
            report.changed_paper_ids.extend(result.changed_paper_ids)
        if on_progress:
            on_progress(len(batch))
        batch.clear()

    for item in items:
        if isinstance(item, tuple):
            where, item = item
        else:
            where = getattr(item, "arxiv_id", "") or getattr(item, "where", "")
        if isinstance(item, SkippedInput):
            report.skip(item.where, item.reason)
            if on_progress:
                on_progress(1)
            continue
        if isinstance(item, CleanPaper):  # already normalised (see parallel.py)
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
            continue
        try:
            batch.append(normalize(item, max_field_chars=max_chars))
        except InvalidRecord as exc:
            report.skip(where or item.arxiv_id or "record", str(exc))
            if on_progress:
                on_progress(1)
            continue
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _distinct(batch: list[CleanPaper]) -> int:
    return len({clean.arxiv_id for clean in batch})
