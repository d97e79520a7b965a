"""Search for the API: the site's search engine (dailypapers.search.engine), rows to show.

The engine pages by number; the API hands out cursors. A search cursor is the next page
number, signed together with a digest of the search that issued it, so a cursor only ever
continues the same search with the same page size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core import signing

from dailypapers.api.queries import api_papers_in_order
from dailypapers.papers.models import Paper
from dailypapers.search import engine

SALT = "dailypapers.api.search-cursor"


class InvalidSearchCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SearchRequest:
    q: str
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_code: bool | None = None
    sort: str = "relevance"
    limit: int = 20
    mode: str | None = None  # None: hybrid where it can run (see engine.search)

    def fingerprint(self) -> str:
        text = repr((self.q, self.category, self.date_from, self.date_to, self.has_code,
                     self.sort, self.limit, self.mode))  # fmt: skip
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FoundPapers:
    results: engine.SearchResults
    papers: list[Paper]  # this page's rows, in the engine's order, with api_columns
    next_cursor: str | None


def page_cursor(search: SearchRequest, page: int) -> str:
    return signing.dumps({"f": search.fingerprint(), "p": page}, salt=SALT)


def page_of(search: SearchRequest, cursor: str | None) -> int:
    if not cursor:
        return 1
    try:
        payload = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise InvalidSearchCursor("This cursor is not one we issued.") from None
    if not isinstance(payload, dict) or payload.get("f") != search.fingerprint():
        raise InvalidSearchCursor("This cursor belongs to another search or page size.")
    page = payload.get("p")
    if not isinstance(page, int) or page < 1:
        raise InvalidSearchCursor("This cursor is damaged.")
    return page


def run_search(search: SearchRequest, page: int) -> FoundPapers:
    """One page of results. ``results.error`` says what was wrong with the query, if anything."""
    results = engine.search(
        search.q,
        category=search.category,
        date_from=search.date_from,
        date_to=search.date_to,
        has_code=search.has_code,
        sort=search.sort,
        page=page,
        per_page=search.limit,
        mode=search.mode,
    )
    if results.error or not results.searched:
        return FoundPapers(results, [], None)
    papers = api_papers_in_order(results.papers)
    for paper in papers:
        paper.snippet = str(results.snippets.get(paper.pk, ""))
    reachable = min(results.total, engine.MAX_RESULTS)
    more = page * search.limit < reachable and len(results.papers) == search.limit
    return FoundPapers(results, papers, page_cursor(search, page + 1) if more else None)
