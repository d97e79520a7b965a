"""What the staff status page shows, read from the apps that own each figure.

Each section is read on its own: one that fails (Redis down, so the RQ queue cannot be
counted) is shown as failing, with the rest of the page intact, since that is exactly when
an operator opens it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from dailypapers.core import taskqueue
from dailypapers.digests.models import BounceFigures, DigestRun, Subscriber
from dailypapers.ops.disk import Usage, data_folder_usage
from dailypapers.papers.models import IngestRun, Paper
from dailypapers.search import semantic
from dailypapers.thumbnails.models import Thumbnail

logger = logging.getLogger(__name__)
T = TypeVar("T")
DIGEST_RUNS_SHOWN = 10


@dataclass(frozen=True)
class Section(Generic[T]):
    value: T | None = None
    error: str = ""  # why the figure could not be read ("" when it was)


def read(name: str, reader: Callable[[], T]) -> Section[T]:
    try:
        return Section(value=reader())
    except Exception as exc:  # the page must show the other sections all the same
        logger.warning("status page: %s could not be read: %s", name, exc)
        return Section(error=f"could not be read ({type(exc).__name__}: {exc})")


@dataclass(frozen=True)
class QueueFigures:
    stats: taskqueue.QueueStats
    oldest_wait_seconds: float | None


@dataclass(frozen=True)
class ThumbnailFigures:
    papers: int
    by_status: dict[str, int]  # rendered, skipped, failed, fetching: one row per paper tried

    @property
    def untried(self) -> int:
        return max(self.papers - sum(self.by_status.values()), 0)


@dataclass(frozen=True)
class SummaryFigures:
    papers: int
    missing: int  # no stored summary of the paper's current text: pages compute one on read


def _thumbnails() -> ThumbnailFigures:
    return ThumbnailFigures(Paper.objects.count(), Thumbnail.objects.counts())


def _summaries() -> SummaryFigures:
    papers = Paper.objects.count()
    current = Paper.objects.filter(auto_summary__content_hash=F("content_hash")).count()
    return SummaryFigures(papers, papers - current)


@dataclass(frozen=True)
class DiskFigures:
    root: str
    entries: list[Usage]

    @property
    def total_bytes(self) -> int:
        return sum(entry.bytes for entry in self.entries)


@dataclass
class SiteStatus:
    now: datetime
    ingest: Section[list[IngestRun]]
    vectors: Section[semantic.Status]
    queue: Section[QueueFigures]
    digest_runs: Section[list[DigestRun]]
    bounces: Section[BounceFigures]
    disk: Section[DiskFigures]
    thumbnails: Section[ThumbnailFigures]
    summaries: Section[SummaryFigures]


def _queue(now: datetime) -> QueueFigures:
    stats = taskqueue.stats()
    oldest = stats.oldest_waiting_at
    return QueueFigures(stats, (now - oldest).total_seconds() if oldest else None)


def site_status() -> SiteStatus:
    now = timezone.now()
    return SiteStatus(
        now=now,
        ingest=read("last ingest", IngestRun.objects.latest_per_source),
        vectors=read("paper vectors", semantic.status),
        queue=read("task queue", lambda: _queue(now)),
        digest_runs=read(
            "digest runs",
            lambda: list(DigestRun.objects.with_delivery_counts()[:DIGEST_RUNS_SHOWN]),
        ),
        bounces=read("bounce rate", Subscriber.objects.bounce_figures),
        disk=read(
            "disk use",
            lambda: DiskFigures(str(settings.DATA_DIR), data_folder_usage(settings.DATA_DIR)),
        ),
        thumbnails=read("thumbnails", _thumbnails),
        summaries=read("summaries", _summaries),
    )
