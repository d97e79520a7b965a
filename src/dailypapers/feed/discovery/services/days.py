"""What a feed page covers (a day, an ISO week, a month), its address and its neighbours."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils.dateformat import format as format_date

from dailypapers.feed.queries import (
    neighbour_days,
)


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


def _link(day: date | None, url: Callable[[date], str], label_format: str) -> Link | None:
    """The link to a neighbouring page, labelled by its date; None when there is none."""
    return Link(url(day), format_date(day, label_format)) if day else None


def day_period(day: date) -> Period:
    before, after = neighbour_days(day, day)
    return Period(
        kind="day",
        start=day,
        end=day,
        heading=f"Papers of {format_date(day, 'l, j F Y')}",
        previous=_link(before, day_url, "D j M Y"),
        following=_link(after, day_url, "D j M Y"),
        wider=(
            Link(week_url(day), _week_label(day)),
            Link(month_url(day), format_date(day, "F Y")),
        ),
    )


def week_period(monday: date) -> Period:
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


def month_period(first: date) -> Period:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    before, after = neighbour_days(first, last)
    return Period(
        kind="month",
        start=first,
        end=last,
        heading=f"Papers of {format_date(first, 'F Y')}",
        previous=_link(before, month_url, "F Y"),
        following=_link(after, month_url, "F Y"),
    )
