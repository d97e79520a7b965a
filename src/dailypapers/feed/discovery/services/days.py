"""What a feed page covers (a day, an ISO week, a month), its address and its neighbours."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils.dateformat import format as format_date

from dailypapers.core.urlmemo import remembered_reverse
from dailypapers.feed.queries import neighbour_days


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
    kwargs = {"year": year, "month": month, "day_of_month": day_of_month}
    return remembered_reverse("feed:day", kwargs=kwargs)


def week_url(day: date) -> str:
    year, week, _ = day.isocalendar()
    return reverse("feed:week", kwargs={"year": f"{year:04d}", "week": f"{week:02d}"})


def month_url(day: date) -> str:
    return reverse("feed:month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"})


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"Week {week}, {year}"


def _dated(label_format: str) -> Callable[[date], str]:
    return lambda day: format_date(day, label_format)


def _period(
    kind: str,
    start: date,
    end: date,
    heading: str,
    url: Callable[[date], str],
    label: Callable[[date], str],
    subheading: str = "",
    wider: tuple[Link, ...] = (),
) -> Period:
    """A period with links to the nearest non-empty period of its kind on either side."""
    before, after = neighbour_days(start, end)
    return Period(
        kind=kind,
        start=start,
        end=end,
        heading=heading,
        subheading=subheading,
        previous=Link(url(before), label(before)) if before else None,
        following=Link(url(after), label(after)) if after else None,
        wider=wider,
    )


def day_period(day: date) -> Period:
    wider = (Link(week_url(day), _week_label(day)), Link(month_url(day), format_date(day, "F Y")))
    heading = f"Papers of {format_date(day, 'l, j F Y')}"
    return _period("day", day, day, heading, day_url, _dated("D j M Y"), wider=wider)


def week_period(monday: date) -> Period:
    sunday = monday + timedelta(days=6)
    heading = f"Papers of {_week_label(monday).lower()}"
    return _period(
        "week", monday, sunday, heading, week_url, _week_label,
        subheading=f"{format_date(monday, 'j F Y')} to {format_date(sunday, 'j F Y')}",
        wider=(Link(month_url(monday), format_date(monday, "F Y")),),
    )  # fmt: skip


def month_period(first: date) -> Period:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    heading = f"Papers of {format_date(first, 'F Y')}"
    return _period("month", first, last, heading, month_url, _dated("F Y"))
