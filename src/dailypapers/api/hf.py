"""Hugging Face-compatible reads: the paths, parameters and JSON of huggingface.co's papers API.

Pointing the ``huggingface_hub`` client at this server (``HfApi(endpoint=SITE_URL)``) makes
``list_daily_papers``, ``paper_info`` and ``list_papers`` read our feed. The shapes follow
what that client parses (huggingface_hub.hf_api.PaperInfo): a daily list item wraps the
paper in "paper" and carries the daily-feed facts beside it; a single paper is the bare
paper object. How our data maps onto the Hub's fields:

- ``paper.publishedAt``: arXiv's version-1 time, else the earliest date we hold (never null,
  as on the Hub); ``submittedOnDailyAt`` and the daily item's ``publishedAt``: when the paper
  joined our feed (submission, else announcement, 00:00 UTC).
- ``submittedBy`` / ``submittedOnDailyBy``: the member who submitted it; their handle is the
  Hub's "user" (its username), their public name the "fullname". Announced papers nobody
  submitted have none. ``submitter=`` takes a handle (any case), or, as before handles
  existed, a member id: handles start with a letter, so the two never meet.
- ``paper.authors``: an author a member has claimed, with a curator's approval, carries
  ``status`` ("claimed_verified"), ``statusLastChangedAt`` and the member as ``user``;
  ``isAuthorParticipating`` is true when such a member submitted the paper or comments on
  it (feed/community/services/claimed_authors.py defines both).
- ``discussionId``: the paper's own id here; its comments are its discussion.
- ``githubStars``, ``projectPage``, ``linkedModels`` / ``linkedDatasets`` / ``linkedSpaces``
  and their counts: repos/api.py says where each comes from; ``organization`` stays absent
  (no organization claims papers here; see there).
- ``ai_summary`` / ``ai_keywords``: the automatic summary and key phrases (summaries app), in
  "paper" and beside it on daily items; ``summary`` (in both places) is the abstract.
- ``sort=publishedAt`` is our "newest" order, ``trending`` our trending order, and
  ``upvotes`` (ours, not the Hub's) the site's default order.
- With no date, week or month, the list runs back through the feed days, newest day first
  (each day in the sort asked for), paged by ``p`` and ``limit`` as on the Hub.
- ``GET /api/papers?cursor=&limit=`` pages through every paper, newest first; the next page's
  address is in the ``Link`` header (rel="next"), as the Hub's list endpoints give it.
  ``/api/papers/search`` without ``q`` (``list_papers()`` with no query) is its first page.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from dailypapers.accounts.models import User
from dailypapers.api.cursors import InvalidCursor, cursor_page
from dailypapers.api.list_cache import shared_read
from dailypapers.api.named_paper import look_up, named_first
from dailypapers.api.queries import (
    api_columns,
    daily_across_days,
    find_paper,
    listed_at,
    newest_papers,
    published_at,
)
from dailypapers.api.schemas import ErrorOut, HfDailyPaper, HfPaper
from dailypapers.api.search import SearchRequest, run_search
from dailypapers.core.api_errors import ApiError, bad_parameter
from dailypapers.feed.community.services.claimed_authors import (
    author_participating,
    hub_authors,
    hub_user,
    load_claims,
)
from dailypapers.feed.queries import FeedFilters, feed_papers
from dailypapers.papers.models import Paper
from dailypapers.papers.querysets import PaperQuerySet
from dailypapers.repos.api import hub_repo_fields
from dailypapers.search import engine
from dailypapers.summaries.read import hub_fields as summary_fields
from dailypapers.thumbnails.fields import hub_fields as thumbnail_fields

router = Router(tags=["Hugging Face-compatible"])

DEFAULT_LIMIT = 50  # the Hub's defaults and ceiling
MAX_OFFSET = 2**62
MAX_ID_DIGITS = 18  # as core/converters.py: any such number fits a signed 64-bit id
MAX_LIMIT = 100
SEARCH_LIMIT = 50  # the default; the Hub takes up to 120
MAX_SEARCH_LIMIT = 120
MAX_QUERY_CHARS = 250  # the Hub's own bound on q
HF_SORTS = {"publishedAt": "newest", "trending": "trending", "upvotes": "upvotes"}
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# 414: an address past middleware.MAX_URI_LENGTH (long query strings) is refused before any view.
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 414: ErrorOut, 429: ErrorOut}


def hub_time(moment: datetime | None) -> str | None:
    """The Hub's timestamp format, the only one huggingface_hub parses."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _member(paper: Paper) -> dict[str, str] | None:
    submission = getattr(paper, "submission", None)
    member = submission.submitted_by if submission is not None else None
    return None if member is None else hub_user(member)


def _github(paper: Paper) -> str | None:
    return next((link for link in paper.code_links if link.startswith("https://github.com/")), None)


def hub_paper(paper: Paper) -> dict[str, Any]:
    """The Hub's paper object (GET /api/papers/{id}, and "paper" in list items)."""
    return {
        "id": paper.arxiv_id,
        "authors": hub_authors(paper),
        "publishedAt": hub_time(published_at(paper)),
        "submittedOnDailyAt": hub_time(listed_at(paper)),
        "submittedOnDailyBy": _member(paper),
        "title": paper.title,
        "summary": paper.abstract,
        "upvotes": paper.upvote_count,
        "numComments": paper.comment_count,
        "discussionId": str(paper.pk),
        "githubRepo": _github(paper),
        **hub_repo_fields(paper),
        **summary_fields(paper),  # ai_summary, ai_keywords
    }


def hub_daily_item(paper: Paper) -> dict[str, Any]:
    """One item of GET /api/daily_papers and /api/papers/search."""
    inner = hub_paper(paper)
    return {
        "paper": inner,
        # The Hub's daily item repeats the abstract as "summary": huggingface_hub copies that
        # key over PaperInfo.summary, which must stay the abstract as paper_info gives it.
        # The automatic summary is ai_summary, here and in "paper".
        "summary": paper.abstract or inner["ai_summary"],
        "ai_summary": inner["ai_summary"],
        "ai_keywords": inner["ai_keywords"],
        "publishedAt": hub_time(listed_at(paper) or published_at(paper)),
        "title": paper.title,
        "numComments": paper.comment_count,
        "submittedBy": _member(paper),
        "isAuthorParticipating": author_participating(paper),
        **thumbnail_fields(paper),
    }


def _period(day: str | None, week: str | None, month: str | None) -> tuple[date, date] | None:
    """The days a request asks for; None when it names none (then: every day, newest first)."""
    given = [name for name, value in (("date", day), ("week", week), ("month", month)) if value]
    if len(given) > 1:
        raise bad_parameter(f"Give one of date, week and month, not {' and '.join(given)}.")
    try:
        if day:
            start = date.fromisoformat(day)
            return start, start
        if week:
            found = WEEK_RE.match(week)
            if not found:
                raise ValueError
            monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
            return monday, date.fromordinal(monday.toordinal() + 6)
        if month:
            found = MONTH_RE.match(month)
            if not found:
                raise ValueError
            year, number = int(found[1]), int(found[2])
            last = calendar.monthrange(year, number)[1]  # raises for month 13
            return date(year, number, 1), date(year, number, last)
    except (ValueError, calendar.IllegalMonthError):
        raise bad_parameter(
            "Dates are YYYY-MM-DD, weeks YYYY-Www (2025-W09), months YYYY-MM."
        ) from None
    return None


def _by_submitter(papers: PaperQuerySet, submitter: str) -> PaperQuerySet:
    # The Hub names submitters by username, ours by handle; a member id, what "user" was
    # before handles, still works (a handle never starts with a digit).
    if submitter.isascii() and submitter.isdigit():
        if len(submitter) > MAX_ID_DIGITS:  # no such id: past the column's range
            return papers.none()
        return papers.filter(submission__submitted_by_id=int(submitter))
    return papers.filter(submission__submitted_by__in=User.objects.with_handle(submitter))


@decorate_view(shared_read)
@router.get(
    "/daily_papers", response={200: list[HfDailyPaper], 400: ErrorOut, 414: ErrorOut, 429: ErrorOut}
)
def daily_papers(
    request: HttpRequest,
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD"),
    week: str | None = Query(None, description="YYYY-Www, e.g. 2025-W09"),
    month: str | None = Query(None, description="YYYY-MM"),
    submitter: str | None = Query(
        None, description="The submitter's handle (or, as before handles, member id)"
    ),
    sort: str = Query("publishedAt", description="publishedAt, trending (or upvotes)"),
    p: int = Query(0, ge=0, description="Page, from 0"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> list[dict[str, Any]]:
    """The daily feed of a day, an ISO week or a month, as huggingface.co answers it.

    With none of them, the feed days one after another, newest first: ``p`` pages back.
    """
    if sort not in HF_SORTS:
        raise bad_parameter("sort: use publishedAt or trending.")
    period = _period(day, week, month)
    if period is None:
        papers = daily_across_days(HF_SORTS[sort])
    else:
        papers = feed_papers(*period, FeedFilters(sort=HF_SORTS[sort]))
    if submitter:
        papers = _by_submitter(papers, submitter)
    start = p * limit
    if start > MAX_OFFSET:  # past any list, and past PostgreSQL's bigint OFFSET
        return []
    page = load_claims(api_columns(papers)[start : start + limit])
    return [hub_daily_item(paper) for paper in page]


def _search_pages(limit: int) -> tuple[int, int]:
    """(pages, page size) that together give ``limit`` results within the engine's page cap."""
    pages = -(-limit // engine.MAX_PER_PAGE)
    return pages, -(-limit // pages)


def search_papers(text: str, limit: int) -> list[Paper]:
    """The papers a Hub-style search finds, best first: the site's own search engine.

    The Hub's search takes plain words, and so does ours (its query syntax included:
    "phrases", author:, cat:, -excluded), ranked: papers with any of the words, best first.
    A query our search cannot read (too long, only stop words) is a 400 saying why, as the
    site's search page and /api/v1/search answer. Without words: the newest papers. Rows
    carry ``api_columns``.
    """
    if not text.strip():
        return list(api_columns(newest_papers())[:limit])
    named = look_up(text)  # a pasted id, link, DOI or title: that paper first
    pages, size = _search_pages(limit)
    request = SearchRequest(q=text, sort="relevance", limit=size)
    papers: list[Paper] = []
    for page in range(1, pages + 1):
        found = run_search(request, page)
        if found.results.error:
            raise ApiError(400, "invalid_query", found.results.error)
        papers += found.papers
        if found.next_cursor is None:
            break
    return named_first(named, papers[:limit], limit)


# Registered before /papers/{id}: the id pattern takes slashes and would swallow "search".
@decorate_view(shared_read)
@router.get("/papers/search", response={200: list[HfDailyPaper], 422: ErrorOut, **ERRORS})
def papers_search(
    request: HttpRequest,
    q: str = Query("", description=f"Words to look for, at most {MAX_QUERY_CHARS} characters"),
    limit: int = Query(SEARCH_LIMIT, ge=1, le=MAX_SEARCH_LIMIT, description="Results, 1 to 120"),
) -> list[dict[str, Any]]:
    """Papers matching a query, in the daily list's item shape, like huggingface.co.

    Without ``q``, the newest papers (what ``list_papers()`` with no query asks).
    """
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(
            422,
            "query_too_long",
            f"q is {len(q):,} characters long; at most {MAX_QUERY_CHARS} are taken.",
        )
    return [hub_daily_item(paper) for paper in load_claims(search_papers(q, limit))]


@router.get("/papers", response={200: list[HfPaper], **ERRORS})
def list_papers(
    request: HttpRequest,
    response: HttpResponse,
    cursor: str | None = Query(None, description="From the Link header's rel=next address"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Papers, 1 to 100"),
) -> list[dict[str, Any]]:
    """Every paper, newest first, a page at a time; the next page is in the Link header."""
    try:
        page = cursor_page(api_columns(newest_papers()), cursor, limit)
    except InvalidCursor as exc:
        raise ApiError(400, "invalid_cursor", str(exc)) from None
    if page.next_cursor is not None:
        following = request.build_absolute_uri(
            f"{request.path}?{urlencode({'cursor': page.next_cursor, 'limit': limit})}"
        )
        response["Link"] = f'<{following}>; rel="next"'
    return [hub_paper(paper) for paper in load_claims(page.items)]


@router.get("/papers/{path:arxiv_id}", response={200: HfPaper, **ERRORS})
def paper_info(request: HttpRequest, arxiv_id: str) -> dict[str, Any]:
    """One paper, as huggingface.co answers GET /api/papers/{arxiv_id}."""
    found = find_paper(arxiv_id)
    if found is None:
        raise ApiError(404, "paper_not_found", f"No paper {arxiv_id[:60]} is stored here.")
    return hub_paper(found)
