"""Source 1: bulk JSON lines in the Kaggle arxiv-metadata-oai-snapshot schema (plain or gzip)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from django.conf import settings

from dailypapers.lib.arxiv.kaggle import iter_jsonl
from dailypapers.lib.arxiv.listing_events import load_listing_days
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError
from dailypapers.papers.ingest import backends
from dailypapers.papers.ingest.parallel import normalized_in_child
from dailypapers.papers.ingest.pipeline import IngestReport, Item, Progress, ingest
from dailypapers.papers.ingest.writes import prepare

# A listing-events file with this name beside the metadata file is used automatically.
LISTING_EVENTS_NAME = "arxiv-listing-events.tsv.gz"


def default_listing_events(path: Path) -> Path | None:
    candidate = path.with_name(LISTING_EVENTS_NAME)
    return candidate if candidate.exists() and candidate != path else None


def _records(
    path: Path, listing_events: str | Path | None, max_line_bytes: int, limit: int | None
) -> Iterator[tuple[str, PaperRecord | SkippedInput]]:
    # Loaded here, so that on a parallel import the parsing process pays for it.
    days: dict[str, date] = load_listing_days(listing_events) if listing_events else {}
    items = iter_jsonl(path, max_line_bytes=max_line_bytes)
    for line_no, item in islice(items, limit) if limit is not None else items:
        if isinstance(item, PaperRecord) and item.arxiv_id in days:
            item.announced_on = days[item.arxiv_id]
        yield f"line {line_no}", item


def import_jsonl(
    path: str | Path,
    *,
    limit: int | None = None,
    listing_events: str | Path | None = None,
    on_progress: Progress | None = None,
    parallel: bool | None = None,
) -> IngestReport:
    """Import a metadata file; raises SourceError when the file itself is unusable."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if listing_events and not Path(listing_events).is_file():
        raise SourceError(f"{listing_events}: no such file")
    report = IngestReport(source="jsonl", detail=str(path))
    max_line = settings.INGEST_MAX_LINE_BYTES
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and settings.INGEST_PARALLEL
    items: Iterator[Item]
    if parallel:
        items = normalized_in_child(
            lambda: _records(path, listing_events, max_line, limit),
            max_chars=settings.INGEST_MAX_FIELD_CHARS,
            prepare=prepare,
        )
    else:
        items = _records(path, listing_events, max_line, limit)
    try:
        with backends.current().bulk_session():
            ingest(items, report, on_progress=on_progress, keep_changed_ids=False)
    except SourceError as exc:
        report.finish(error=str(exc))
        raise
    return report.finish()
