"""What the list pages share: reading sort and filters from the query string, and paging."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from dailypapers.feed.queries import SORTS, FeedFilters, is_category
from dailypapers.papers.queries import mark_voted
from dailypapers.papers.querysets import PaperQuerySet

PAGE_SIZE = 50
NARROW_SORT_ABOVE = 500  # list length from which paging sorts ids first (see paper_page)
DEFAULT_SORT = "upvotes"  # like Hugging Face: most upvoted first, trending breaks ties


def read_filters(request: HttpRequest) -> FeedFilters:
    """Sort and filters from the query string; anything unknown falls back to the default."""
    sort = request.GET.get("sort", "")
    category = request.GET.get("category", "").strip()
    return FeedFilters(
        sort=sort if sort in SORTS else DEFAULT_SORT,
        category=category if is_category(category) else "",
        has_code=request.GET.get("code") == "1",
    )


def filter_query(filters: FeedFilters) -> str:
    """The query string that carries these filters to another day ("" for the defaults)."""
    params: dict[str, str] = {}
    if filters.sort != DEFAULT_SORT:
        params["sort"] = filters.sort
    if filters.category:
        params["category"] = filters.category
    if filters.has_code:
        params["code"] = "1"
    return "?" + urlencode(params) if params else ""


def paper_page(
    request: HttpRequest,
    papers: PaperQuerySet,
    *,
    param: str = "page",
    per_page: int = PAGE_SIZE,
) -> Page:
    """One page of papers, each marked ``voted`` for the viewer with a single query."""
    paginator = Paginator(papers, per_page)
    page = paginator.get_page(request.GET.get(param))
    if paginator.count > NARROW_SORT_ABOVE:
        # Sorting a month of papers drags every selected column (abstracts too) through the
        # sort; sort the ids alone, then load only this page's rows.
        ids = list(papers.values_list("pk", flat=True)[page.start_index() - 1 : page.end_index()])
        page.object_list = papers.in_order(ids)
    else:
        page.object_list = list(page.object_list)
    mark_voted(request.user, page.object_list)
    return page
