"""Source 2: the arXiv API (Atom): a search query or a list of ids, paged."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from dailypapers.lib.arxiv.atom import build_query_params, parse_api_feed
from dailypapers.lib.arxiv.client import ArxivHttpError, PoliteClient
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.connect import fetching
from dailypapers.papers.ingest.pipeline import IngestReport, Progress, ingest

MAX_PAGE = 2000  # arXiv's limit for one call


def _fetch_page(client: PoliteClient, params: dict[str, str]):
    try:
        result = client.get(settings.ARXIV_API_URL, params)
    except ArxivHttpError as exc:
        # arXiv explains a bad query in an Atom error feed served with the 400.
        if exc.status == 400 and exc.body:
            try:
                parse_api_feed(exc.body)
            except SourceError as feed_error:
                # Only an error feed explains the 400; a body that is no feed at all (a
                # proxy's HTML page, say) must not hide the status behind "malformed XML".
                if str(feed_error).startswith("arXiv API error"):
                    raise feed_error from None
        raise
    return parse_api_feed(result.body)


def import_api(
    *,
    query: str | None = None,
    ids: Sequence[str] | None = None,
    max_results: int | None = None,
    page_size: int = 200,
    client: PoliteClient | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Fetch every page of a query (or id list) up to ``max_results`` and store the papers."""
    if not query and not ids:
        raise SourceError("give a search query or a list of arXiv ids")
    page_size = max(1, min(page_size, MAX_PAGE))
    detail = f"query={query}" if query else f"ids={','.join(ids or [])}"
    report = IngestReport(source="api", detail=detail)
    wanted = max_results if max_results is not None else (len(ids) if ids else None)
    start = 0
    with fetching(report, client) as client:
        while True:
            size = page_size if wanted is None else min(page_size, wanted - start)
            if size <= 0:
                break
            params = build_query_params(
                search_query=query,
                id_list=list(ids) if ids else None,
                start=start,
                max_results=size,
            )
            page = _fetch_page(client, params)
            ingest(page.records + page.skipped, report, on_progress=on_progress)
            start += len(page.records) + len(page.skipped)
            total = page.total_results if wanted is None else min(wanted, page.total_results)
            if not (page.records or page.skipped) or start >= total:
                break
    return report.finish()
