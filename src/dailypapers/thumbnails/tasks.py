"""Background tasks: thumbnails of new papers as they arrive, and of the backlog. Ids in.

``on_papers_imported`` (connected in apps.py) queues the papers an import changed that
were announced in the last THUMBNAIL_RECENT_DAYS days and have no thumbnail row; older
papers wait for the backlog job (jobs.py), which queues THUMBNAIL_BACKLOG_BATCH at a time,
newest first. Each task takes a chunk of ids and fetches them one after another at arXiv's
pace (a minute a chunk at 3 s a request), at a priority below ingest and email, so a
single worker still turns to other tasks between chunks. Running a chunk twice costs a
query per paper: claimed papers are not fetched again (fetching.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from dailypapers.papers.models import Paper
from dailypapers.thumbnails.fetching import make_thumbnail, pdf_client
from dailypapers.thumbnails.models import Thumbnail

TASK_CHUNK = 10  # half a minute at arXiv's pace; well within RQ's 600 s job timeout
PRIORITY = -20  # below embedding (-10), email and ingest (0)


@task()
def make_thumbnails(paper_ids: list[int]) -> int:
    """Make the thumbnails of these papers that have none; returns how many were rendered."""
    rendered = 0
    with pdf_client() as client:
        for paper_id in paper_ids:
            row = make_thumbnail(paper_id, client)
            rendered += row is not None and row.rendered
    return rendered


@task()
def queue_backlog() -> int:
    """Queue the next THUMBNAIL_BACKLOG_BATCH papers without a thumbnail; returns how many."""
    ids = backlog_ids(settings.THUMBNAIL_BACKLOG_BATCH)
    enqueue_thumbnails(ids)
    return len(ids)


def backlog_ids(limit: int | None = None) -> list[int]:
    """Papers to try next, newest first: none tried yet, then failures due for a retry."""
    if not settings.THUMBNAIL_PDF_URL:
        return []
    untried = (
        Paper.objects.filter(thumbnail__isnull=True)
        .order_by(F("announced_on").desc(nulls_last=True), "-arxiv_id")
        .values_list("pk", flat=True)
    )
    ids = list(untried[:limit] if limit is not None else untried)
    if limit is None or len(ids) < limit:
        retry = Thumbnail.objects.retryable(timezone.now()).order_by("-paper_id")
        retry_ids = retry.values_list("paper_id", flat=True)
        ids += retry_ids[: limit - len(ids)] if limit is not None else retry_ids
    return ids


def enqueue_thumbnails(paper_ids: Iterable[int]) -> None:
    """After the current transaction commits, queue these papers in chunks."""
    ids = list(dict.fromkeys(paper_ids))
    if not ids:
        return

    def enqueue() -> None:
        queued = make_thumbnails
        if queued.get_backend().supports_priority:
            queued = queued.using(priority=PRIORITY)
        for start in range(0, len(ids), TASK_CHUNK):
            queued.enqueue(ids[start : start + TASK_CHUNK])

    transaction.on_commit(enqueue)


def recent_without_thumbnail(paper_ids: list[int]) -> list[int]:
    """Those of these papers announced (or submitted) in the last THUMBNAIL_RECENT_DAYS days
    that have no thumbnail row."""
    since = timezone.now() - timedelta(days=settings.THUMBNAIL_RECENT_DAYS)
    recent = Q(announced_on__gte=since.date()) | Q(
        announced_on__isnull=True, submitted_at__gte=since
    )
    found = Paper.objects.filter(recent, pk__in=paper_ids, thumbnail__isnull=True)
    return list(found.order_by("-pk").values_list("pk", flat=True))


def on_papers_imported(sender: str, count: int = 0, ids: list[int] | None = None, **_: Any) -> None:
    """Queue thumbnails for the recent papers of an import that kept its ids; a bulk file
    (no ids) is left to the backlog job."""
    if count <= 0 or not ids or not settings.THUMBNAIL_PDF_URL:
        return
    chosen = list(ids)
    transaction.on_commit(lambda: enqueue_thumbnails(recent_without_thumbnail(chosen)))
