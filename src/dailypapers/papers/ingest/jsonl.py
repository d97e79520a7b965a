"""Source 1: bulk JSON lines in the Kaggle arxiv-metadata-oai-snapshot schema (plain or gzip)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from django.conf import settings

from dailypapers.lib.arxiv.kaggle import iter_jsonl
from dailypapers.lib.arxiv.listing_events import load_listing_days
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError
from dailypapers.papers.ingest.pipeline import IngestReport, Progress, ingest

# A listing-events file with this name beside the metadata file is used automatically.
LISTING_EVENTS_NAME = "arxiv-listing-events.tsv.gz"


def default_listing_events(path: Path) -> Path | None:
    candidate = path.with_name(LISTING_EVENTS_NAME)
    return candidate if candidate.exists() and candidate != path else None


def _records(
    path: Path, days: dict[str, date]
) -> Iterator[tuple[str, PaperRecord | SkippedInput]]:
    for line_no, item in iter_jsonl(path, max_line_bytes=settings.INGEST_MAX_LINE_BYTES):
        if isinstance(item, PaperRecord) and item.arxiv_id in days:
            item.announced_on = days[item.arxiv_id]
        yield f"line {line_no}", item


def import_jsonl(
    path: str | Path,
    *,
    limit: int | None = None,
    listing_events: str | Path | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Import a metadata file; raises SourceError when the file itself is unusable."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    days = load_listing_days(listing_events) if listing_events else {}
    report = IngestReport(source="jsonl", detail=str(path))
    items = _records(path, days)
    if limit is not None:
        items = islice(items, limit)
    try:
        ingest(items, report, on_progress=on_progress, keep_changed_ids=False)
    except SourceError as exc:
        report.finish(error=str(exc))
        raise
    return report.finish()
