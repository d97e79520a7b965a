"""The feed: one day (home is the latest), an ISO week, a month, and trending."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from dailypapers.core.pagecache import cache_for_anonymous
from dailypapers.feed.queries import (
    FeedFilters,
    feed_is_empty,
    feed_papers,
    latest_feed_day,
    neighbour_days,
    trending_papers,
)
from dailypapers.feed.trending import current_signal
from dailypapers.feed.views.common import filter_query, paper_page, read_filters


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Period:
    """What a feed page covers and how to move from it."""

    kind: str  # "day", "week" or "month"
    start: date
    end: date
    heading: str
    subheading: str = ""
    previous: Link | None = None
    following: Link | None = None
    wider: tuple[Link, ...] = ()  # the week and month around a day, the month around a week


def day_url(day: date) -> str:
    year, month, day_of_month = day.isoformat().split("-")
    return reverse("feed:day", kwargs={"year": year, "month": month, "day_of_month": day_of_month})


def week_url(day: date) -> str:
    year, week, _ = day.isocalendar()
    return reverse("feed:week", kwargs={"year": f"{year:04d}", "week": f"{week:02d}"})


def month_url(day: date) -> str:
    return reverse("feed:month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"})


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"Week {week}, {year}"


def _day_period(day: date) -> Period:
    before, after = neighbour_days(day, day)
    return Period(
        kind="day",
        start=day,
        end=day,
        heading=f"Papers of {format_date(day, 'l, j F Y')}",
        previous=Link(day_url(before), format_date(before, "D j M Y")) if before else None,
        following=Link(day_url(after), format_date(after, "D j M Y")) if after else None,
        wider=(
            Link(week_url(day), _week_label(day)),
            Link(month_url(day), format_date(day, "F Y")),
        ),
    )


def _week_period(monday: date) -> Period:
    sunday = monday + timedelta(days=6)
    before, after = neighbour_days(monday, sunday)
    return Period(
        kind="week",
        start=monday,
        end=sunday,
        heading=f"Papers of {_week_label(monday).lower()}",
        subheading=f"{format_date(monday, 'j F Y')} to {format_date(sunday, 'j F Y')}",
        previous=Link(week_url(before), _week_label(before)) if before else None,
        following=Link(week_url(after), _week_label(after)) if after else None,
        wider=(Link(month_url(monday), format_date(monday, "F Y")),),
    )


def _month_period(first: date) -> Period:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    before, after = neighbour_days(first, last)
    return Period(
        kind="month",
        start=first,
        end=last,
        heading=f"Papers of {format_date(first, 'F Y')}",
        previous=Link(month_url(before), format_date(before, "F Y")) if before else None,
        following=Link(month_url(after), format_date(after, "F Y")) if after else None,
    )


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
    return render(request, "feed/day.html", context)


@cache_for_anonymous
def latest_day(request: HttpRequest) -> HttpResponse:
    latest = latest_feed_day()
    if latest is None:
        return render(request, "feed/empty_site.html")
    return _feed(request, _day_period(latest))


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
    return _feed(request, _day_period(wanted))


@cache_for_anonymous
def week(request: HttpRequest, year: str, week: str) -> HttpResponse:
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, OverflowError):  # week 0, week 53 of a 52-week year, year 0
        raise Http404("No such week") from None
    _not_in_the_future(monday)
    return _feed(request, _week_period(monday))


@cache_for_anonymous
def month(request: HttpRequest, year: str, month: str) -> HttpResponse:
    try:
        first = date(int(year), int(month), 1)
    except ValueError:
        raise Http404("No such month") from None
    _not_in_the_future(first)
    return _feed(request, _month_period(first))


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
    return render(request, "feed/trending.html", context)
