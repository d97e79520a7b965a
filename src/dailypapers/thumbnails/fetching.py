"""A paper's thumbnail, start to end: claim it, fetch its PDF politely, render, record.

``make_thumbnail(paper_id, client)`` is idempotent: the claim is a row created under a
unique key (or a conditional UPDATE of a failed or abandoned row), so of two workers given
the same paper one fetches and the other returns at once, and a paper whose PDF arrived is
never fetched again. Outcomes:

- rendered: the WebP is under THUMBNAIL_DIR, its size and dimensions in the row;
- skipped (final): the PDF is over THUMBNAIL_MAX_PDF_BYTES (refused from its
  Content-Length, or as soon as more arrives), arXiv has no PDF (404, 403), or the file is
  not a PDF, truncated, encrypted or unreadable (lib/pdf_thumbnail.py says which);
- failed (retried later, models.RETRY_AFTER): no answer, or 5xx/429 after the client's
  retries with backoff.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dailypapers.lib.arxiv.client import ArxivHttpError, PoliteClient, ResponseTooLarge
from dailypapers.lib.pdf_thumbnail import UnusablePdf, first_page_webp
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.connect import arxiv_client
from dailypapers.papers.models import Paper
from dailypapers.thumbnails import storage
from dailypapers.thumbnails.gate import ARXIV, wait_for_turn
from dailypapers.thumbnails.models import Thumbnail

logger = logging.getLogger(__name__)
Status = Thumbnail.Status
_REASON_CHARS = 300


def pdf_client() -> PoliteClient:
    """The arXiv client with the PDF size limit and the rate limit shared by all processes."""
    return arxiv_client(max_bytes=settings.THUMBNAIL_MAX_PDF_BYTES, gate=_shared_turn)


def _shared_turn() -> None:
    wait_for_turn(ARXIV, settings.ARXIV_REQUEST_INTERVAL)


def pdf_address(paper: Paper) -> str:
    return f"{settings.THUMBNAIL_PDF_URL}/{paper.versioned_id}"


def claim(paper_id: int) -> Thumbnail | None:
    """This worker's row for the paper, or None when it is done or another worker has it."""
    try:
        with transaction.atomic():
            return Thumbnail.objects.create(paper_id=paper_id, status=Status.FETCHING)
    except IntegrityError:
        pass
    row = Thumbnail.objects.retryable(timezone.now()).filter(paper_id=paper_id).first()
    if row is None:
        return None
    won = Thumbnail.objects.filter(
        pk=row.pk, status=row.status, attempts=row.attempts, updated_at=row.updated_at
    ).update(status=Status.FETCHING, attempts=row.attempts + 1, updated_at=timezone.now())
    if not won:
        return None
    row.refresh_from_db()
    return row


def make_thumbnail(paper_id: int, client: PoliteClient) -> Thumbnail | None:
    """Claim, fetch, render and record one paper's thumbnail; None if there was nothing to do."""
    if not settings.THUMBNAIL_PDF_URL:
        return None
    paper = Paper.objects.filter(pk=paper_id).only("arxiv_id", "version").first()
    if paper is None:
        return None
    row = claim(paper.pk)
    if row is None:
        return None
    try:
        return _fetch_and_render(paper, row, client)
    except BaseException as exc:  # a bug or an interrupt: leave no row claimed for an hour
        _finish(row, Status.FAILED, f"{type(exc).__name__}: {exc}")
        raise


def _fetch_and_render(paper: Paper, row: Thumbnail, client: PoliteClient) -> Thumbnail:
    limit = settings.THUMBNAIL_MAX_PDF_BYTES
    try:
        answer = client.get(pdf_address(paper))
    except ResponseTooLarge:
        return _finish(row, Status.SKIPPED, f"the PDF is larger than {limit:,} bytes")
    except ArxivHttpError as exc:
        final = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
        return _finish(row, Status.SKIPPED if final else Status.FAILED, str(exc))
    except SourceError as exc:
        return _finish(row, Status.FAILED, str(exc))
    try:
        picture = first_page_webp(
            answer.body, width=storage.WIDTH, max_height=storage.MAX_HEIGHT, quality=storage.QUALITY
        )
    except UnusablePdf as exc:
        return _finish(row, Status.SKIPPED, str(exc), pdf_bytes=len(answer.body))
    storage.save(paper.arxiv_id, picture.webp)
    return _finish(
        row,
        Status.RENDERED,
        pdf_bytes=len(answer.body),
        pages=picture.pages,
        bytes=len(picture.webp),
        width=picture.width,
        height=picture.height,
    )


def _finish(row: Thumbnail, status: str, reason: str = "", **fields: Any) -> Thumbnail:
    if status != Status.RENDERED:
        logger.info("thumbnail of paper %s %s: %s", row.paper_id, status, reason)
    fields.update(status=status, reason=reason[:_REASON_CHARS], updated_at=timezone.now())
    Thumbnail.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)
    return row
