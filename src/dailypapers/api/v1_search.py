"""/api/v1/search and /api/v1/papers/{id}/related: finding papers."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from ninja import Query, Router
from ninja.decorators import decorate_view

from dailypapers.api.list_cache import shared_read
from dailypapers.api.named_paper import look_up, named_first, named_notes
from dailypapers.api.queries import api_papers_in_order, find_paper
from dailypapers.api.schemas import ErrorOut, RelatedOut, SearchPageOut
from dailypapers.api.search import InvalidSearchCursor, SearchRequest, page_of, run_search
from dailypapers.core.api_errors import ApiError
from dailypapers.feed.queries import related_papers
from dailypapers.search import engine

router = Router(tags=["v1"])

# 414: an address past middleware.MAX_URI_LENGTH (long query strings) is refused before any view.
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 414: ErrorOut, 429: ErrorOut}
MAX_RELATED = 20
DateFrom = Query(None, alias="from", description="Announced on or after")
DateTo = Query(None, alias="to", description="Announced on or before")


def search_request(
    q: str,
    category: str,
    date_from: date | None,
    date_to: date | None,
    has_code: bool,
    sort: str,
    limit: int,
    mode: str = "auto",
) -> SearchRequest:
    return SearchRequest(
        q=q,
        category=category.strip() or None,
        date_from=date_from,
        date_to=date_to,
        has_code=True if has_code else None,
        sort=sort,
        limit=limit,
        mode=None if mode == "auto" else mode,
    )


def bibtex_query(search: SearchRequest, page: int) -> str:
    """The query string of the BibTeX export of this page (see exports.search_bibtex)."""
    params: dict[str, Any] = {"q": search.q, "sort": search.sort, "limit": search.limit}
    if search.mode:
        params["mode"] = search.mode
    if search.category:
        params["category"] = search.category
    if search.date_from:
        params["from"] = search.date_from.isoformat()
    if search.date_to:
        params["to"] = search.date_to.isoformat()
    if search.has_code:
        params["has_code"] = "true"
    if page > 1:
        params["page"] = page
    return urlencode(params)


@decorate_view(shared_read)
@router.get("/search", response={200: SearchPageOut, **ERRORS}, url_name="v1_search")
def search(
    request: HttpRequest,
    q: str = Query("", max_length=1000, description='Words, "phrases", author:, cat:, -word'),
    category: str = Query("", max_length=40, description="An arXiv category, e.g. cs.LG"),
    date_from: date | None = DateFrom,
    date_to: date | None = DateTo,
    has_code: bool = Query(False, description="Only papers that link to code"),
    sort: Literal["relevance", "newest", "trending"] = "relevance",
    mode: Literal["auto", "keyword", "semantic", "hybrid"] = Query(
        "auto", description="auto: hybrid (words and meaning) where it can run, else keyword"
    ),
    limit: int = Query(engine.DEFAULT_PER_PAGE, ge=1, le=engine.MAX_PER_PAGE),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
) -> dict[str, Any]:
    """Search papers as the site's search page does: the same engine, ranking and filters.
    Results stop after the first 1,000; narrow the search to reach others."""
    wanted = search_request(q, category, date_from, date_to, has_code, sort, limit, mode)
    try:
        page = page_of(wanted, cursor)
    except InvalidSearchCursor as exc:
        raise ApiError(400, "invalid_cursor", str(exc)) from None
    named = look_up(q, page)  # a pasted id, link, DOI or title: that paper first
    found = run_search(wanted, page)
    if found.results.error and not (named and named.paper):
        raise ApiError(400, "invalid_query", found.results.error)
    items = named_first(named, found.papers, limit)
    bibtex = reverse("exports:search_bibtex") + "?" + bibtex_query(wanted, page)
    return {
        "items": items,
        "next_cursor": found.next_cursor,
        "total": max(found.results.total, len(items)),
        "total_capped": found.results.total_capped,
        "sort": found.results.sort,
        "mode": found.results.mode,
        "notes": [*named_notes(named), *found.results.notes],
        "bibtex_url": request.build_absolute_uri(bibtex),
    }


# Registered before v1's /papers/{id}: that id pattern takes slashes and would swallow this.
@router.get(
    "/papers/{path:arxiv_id}/related",
    response={200: RelatedOut, **ERRORS},
    url_name="v1_related",
    summary="Related papers",
)
def related(
    request: HttpRequest,
    arxiv_id: str,
    limit: int = Query(5, ge=1, le=MAX_RELATED, description="How many"),
) -> dict[str, Any]:
    """Papers like this one, most related first: the list its page shows."""
    found = find_paper(arxiv_id)
    if found is None:
        raise ApiError(404, "paper_not_found", f"No paper {arxiv_id[:60]} is stored here.")
    # The related list loads few columns; the API item shows more, in one more query.
    related_ids = [paper.pk for paper in related_papers(found, limit=limit)]
    return {"paper": found.arxiv_id, "items": api_papers_in_order(related_ids)}
