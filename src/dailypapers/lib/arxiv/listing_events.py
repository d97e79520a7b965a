"""Listing days from a listing-events file (TSV: listing_date, source, source_file, id, …).

Bulk metadata files say nothing about the day a paper was announced; a listing-events
file recorded from the daily listings does. The first day an id appears is its day.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import date
from pathlib import Path

from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.lib.records import SourceError

_BARE_NEW_STYLE = re.compile(r"\d{4}\.\d{4,5}")


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def load_listing_days(path: str | Path) -> dict[str, date]:
    """Map each bare arXiv id to the first listing day recorded for it."""
    path = Path(path)
    days: dict[str, date] = {}
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle, delimiter="\t")
            header = next(reader, None)
            if not header or header[0] != "listing_date" or "id" not in header:
                raise SourceError(f"{path}: not a listing-events file (header {header!r})")
            id_column = header.index("id")
            for row in reader:
                if len(row) <= id_column:
                    continue
                raw_id = row[id_column]
                try:
                    day = date.fromisoformat(row[0])
                    # Listing files hold bare new-style ids; only others need the parser.
                    arxiv_id = raw_id if _BARE_NEW_STYLE.fullmatch(raw_id) else normalize_id(raw_id)
                except (ValueError, InvalidArxivId):
                    continue
                known = days.get(arxiv_id)
                if known is None or day < known:
                    days[arxiv_id] = day
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read listing events: {exc}") from None
    return days
