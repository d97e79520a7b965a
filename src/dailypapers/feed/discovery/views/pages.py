"""The feed: one day (home is the latest), an ISO week, a month, trending, and trending on
GitHub."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone

from dailypapers.core.pagecache import cache_for_anonymous
from dailypapers.feed.discovery.services.days import (
    Period,
    day_period,
    day_url,
    month_period,
    week_period,
)
from dailypapers.feed.discovery.services.listing import filter_query, paper_page, read_filters
from dailypapers.feed.queries import (
    FeedFilters,
    feed_is_empty,
    feed_papers,
    github_trending_papers,
    latest_feed_day,
    trending_papers,
)
from dailypapers.feed.trending import current_signal


def _not_in_the_future(start: date) -> None:
    """Days after tomorrow (UTC) cannot have a feed yet; 404 keeps crawlers from paging on."""
    if start > timezone.now().date() + timedelta(days=1):
        raise Http404("That day has not come yet")


def _feed(request: HttpRequest, period: Period) -> HttpResponse:
    filters = read_filters(request)
    page = paper_page(request, feed_papers(period.start, period.end, filters))
    # Only an empty result needs the second question: empty days, or filters too narrow?
    nothing_at_all = page.paginator.count == 0 and (
        not filters.active or feed_is_empty(period.start, period.end)
    )
    context = {
        "period": period,
        "page": page,
        "filters": filters,
        "carry": filter_query(filters),
        "nothing_at_all": nothing_at_all,
        "category_choices": settings.ARXIV_CATEGORIES,
    }
    return render(request, "feed/discovery/day.html", context)


@cache_for_anonymous
def latest_day(request: HttpRequest) -> HttpResponse:
    latest = latest_feed_day()
    if latest is None:
        return render(request, "feed/discovery/empty_site.html")
    return _feed(request, day_period(latest))


def _valid_date(year: str, month: str, day_of_month: str) -> date:
    try:
        return date(int(year), int(month), int(day_of_month))
    except (ValueError, OverflowError):  # OverflowError: a year too long for C
        raise Http404("No such date") from None


def day_unpadded(request: HttpRequest, year: str, month: str, day_of_month: str) -> HttpResponse:
    target = day_url(_valid_date(year, month, day_of_month))
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


@cache_for_anonymous
def day(request: HttpRequest, year: str, month: str, day_of_month: str) -> HttpResponse:
    wanted = _valid_date(year, month, day_of_month)
    _not_in_the_future(wanted)
    return _feed(request, day_period(wanted))


@cache_for_anonymous
def week(request: HttpRequest, year: str, week: str) -> HttpResponse:
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, OverflowError):  # week 0, week 53 of a 52-week year, year 0
        raise Http404("No such week") from None
    _not_in_the_future(monday)
    return _feed(request, week_period(monday))


@cache_for_anonymous
def month(request: HttpRequest, year: str, month: str) -> HttpResponse:
    try:
        first = date(int(year), int(month), 1)
    except ValueError:
        raise Http404("No such month") from None
    _not_in_the_future(first)
    return _feed(request, month_period(first))


@cache_for_anonymous
def trending(request: HttpRequest) -> HttpResponse:
    found = read_filters(request)
    # Trending has one order by definition; only the filters apply.
    filters = FeedFilters(sort="trending", category=found.category, has_code=found.has_code)
    signal = current_signal()
    page = paper_page(request, trending_papers(filters, signal))
    context = {
        "page": page,
        "signal_note": signal.note,
        "filters": filters,
        "category_choices": settings.ARXIV_CATEGORIES,
    }
    return render(request, "feed/discovery/trending.html", context)


@cache_for_anonymous
def github_trending(request: HttpRequest) -> HttpResponse:
    """Papers whose code gains GitHub stars fastest, like the Hub's trending papers."""
    found = read_filters(request)
    filters = FeedFilters(sort="github", category=found.category, has_code=found.has_code)
    context = {
        "page": paper_page(request, github_trending_papers(filters)),
        "filters": filters,
        "category_choices": settings.ARXIV_CATEGORIES,
    }
    return render(request, "feed/discovery/github_trending.html", context)
