"""Source 4: arXiv's daily RSS listings (new, cross-list and replacement announcements)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from dailypapers.lib.arxiv.client import PoliteClient
from dailypapers.lib.arxiv.rss import parse_listing_feed
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.connect import fetching
from dailypapers.papers.ingest.normalize import CATEGORY
from dailypapers.papers.ingest.pipeline import IngestReport, Progress, ingest


def listing_url(categories: Sequence[str]) -> str:
    return f"{settings.ARXIV_RSS_URL.rstrip('/')}/{'+'.join(categories)}"


def parse_categories(spec: str | Sequence[str]) -> list[str]:
    """'cs.AI+cs.LG', 'cs.AI cs.LG' or a list → ['cs.AI', 'cs.LG'], validated."""
    items = spec.replace("+", " ").replace(",", " ").split() if isinstance(spec, str) else spec
    categories = [item.strip() for item in items if item.strip()]
    if not categories:
        raise SourceError("name at least one arXiv category, e.g. cs.AI+cs.LG")
    for category in categories:
        if not CATEGORY.match(category):
            raise SourceError(f"not an arXiv category: {category!r}")
    return categories


def import_rss(
    categories: str | Sequence[str],
    *,
    client: PoliteClient | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    wanted = parse_categories(categories)
    url = listing_url(wanted)
    report = IngestReport(source="rss", detail=url)
    with fetching(report, client) as client:
        page = parse_listing_feed(client.get(url).body)
        ingest([*page.records, *page.skipped], report, on_progress=on_progress)
    return report.finish()
