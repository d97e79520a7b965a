"""/api/v1: our own read API. Lists page with opaque cursors; see cursors.py."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypedDict, cast

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.decorators import decorate_view

from dailypapers.api.cursors import InvalidCursor, cursor_page
from dailypapers.api.list_cache import shared_read
from dailypapers.api.queries import (
    api_columns,
    collection_papers,
    find_paper,
    paper_authors,
    public_collection,
)
from dailypapers.api.schemas import (
    AuthorPageOut,
    CollectionPageOut,
    DayOut,
    ErrorOut,
    PaperDetailOut,
    TrendingOut,
)
from dailypapers.core.api_errors import ApiError, bad_parameter
from dailypapers.feed.discovery.services.papers import bibtex_for
from dailypapers.feed.queries import (
    FeedFilters,
    author_papers,
    feed_papers,
    is_category,
    trending_papers,
)
from dailypapers.feed.trending import current_signal
from dailypapers.papers.models import Author, Paper
from dailypapers.papers.querysets import PaperQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

router = Router(tags=["v1"])

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
# 414: an address past middleware.MAX_URI_LENGTH (long query strings) is refused before any view.
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 414: ErrorOut, 429: ErrorOut}

Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
Cursor = Query(None, description="next_cursor of the previous page")
# Ids are 64-bit in the database; a larger number in the URL is no row, not an overflow.
RowId = Path(..., ge=1, le=2**63 - 1)


def _page(papers: PaperQuerySet, cursor: str | None, limit: int) -> dict[str, Any]:
    try:
        page = cursor_page(api_columns(papers), cursor, limit)
    except InvalidCursor as exc:
        raise ApiError(400, "invalid_cursor", str(exc)) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


def _filters(sort: str, category: str, has_code: bool) -> FeedFilters:
    category = category.strip()
    if category and not is_category(category):
        raise bad_parameter(f"category: {category[:40]!r} is not an arXiv category")
    return FeedFilters(sort=sort, category=category, has_code=has_code)


class _DetailExtras(TypedDict):
    author_profiles: list[Author]
    bibtex: str


@router.get(
    "/papers/{path:arxiv_id}",
    response={200: PaperDetailOut, **ERRORS},
    url_name="v1_paper",
    summary="One paper",
)
def paper(request: HttpRequest, arxiv_id: str) -> Paper:
    """Everything stored about a paper. Any spelling of the id works: versioned, old-style."""
    found = find_paper(arxiv_id)
    if found is None:
        raise ApiError(404, "paper_not_found", f"No paper {arxiv_id[:60]} is stored here.")
    # PaperDetailOut reads these two off the paper; the cast lets them be set on it.
    detail = cast("WithAnnotations[Paper, _DetailExtras]", found)
    detail.author_profiles = paper_authors(found)
    detail.bibtex = bibtex_for(found)
    return detail


@decorate_view(shared_read)
@router.get("/days/{day}", response={200: DayOut, **ERRORS}, url_name="v1_day", summary="A day")
def day(
    request: HttpRequest,
    day: date,
    sort: Literal["upvotes", "trending", "newest"] = "upvotes",
    category: str = Query("", description="An arXiv category; cross-lists count"),
    has_code: bool = Query(False, description="Only papers that link to code"),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> dict[str, Any]:
    """The day's feed, as on its page: papers announced that day or submitted to its feed,
    without those a curator hid; featured papers first."""
    filters = _filters(sort, category, has_code)
    result = _page(feed_papers(day, day, filters), cursor, limit)
    echo = {"day": day, "sort": sort, "category": filters.category or None, "has_code": has_code}
    return {**echo, **result}


@decorate_view(shared_read)
@router.get("/trending", response={200: TrendingOut, **ERRORS}, url_name="v1_trending")
def trending(
    request: HttpRequest,
    category: str = Query("", description="An arXiv category; cross-lists count"),
    has_code: bool = Query(False, description="Only papers that link to code"),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> dict[str, Any]:
    """Papers rising now across days, highest trending score first."""
    filters = _filters("trending", category, has_code)
    # On a quiet site the published fallback ranks the latest papers, as on /trending/.
    result = _page(trending_papers(filters, current_signal()), cursor, limit)
    return {"category": filters.category or None, "has_code": has_code, **result}


@router.get(
    "/authors/{int:author_id}", response={200: AuthorPageOut, **ERRORS}, url_name="v1_author"
)
def author(
    request: HttpRequest, author_id: int = RowId, limit: int = Limit, cursor: str | None = Cursor
) -> dict[str, Any]:
    """An author and their stored papers, newest first."""
    person = Author.objects.filter(pk=author_id).only("id", "name").first()
    if person is None:
        raise ApiError(404, "author_not_found", f"No author {author_id} is stored here.")
    return {"author": person, **_page(author_papers(person.pk), cursor, limit)}


@router.get(
    "/collections/{int:user_id}/{slug}",
    response={200: CollectionPageOut, **ERRORS},
    url_name="v1_collection",
)
def collection(
    request: HttpRequest,
    slug: str,
    user_id: int = RowId,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> dict[str, Any]:
    """A member's public collection, most recently added paper first. Private ones are 404,
    as on the site, so their existence is not revealed."""
    found = public_collection(user_id, slug)
    if found is None:
        raise ApiError(404, "collection_not_found", "No public collection at this address.")
    page_path = reverse("community:collection", args=[user_id, found.slug])
    bibtex_path = reverse("exports:collection_bibtex", args=[user_id, found.slug])
    about = {
        "name": found.name,
        "slug": found.slug,
        "description": found.description,
        "created_at": found.created_at,
        "owner": found.owner,
        "url": request.build_absolute_uri(page_path),
        "bibtex_url": request.build_absolute_uri(bibtex_path),
    }
    return {"collection": about, **_page(collection_papers(found), cursor, limit)}
