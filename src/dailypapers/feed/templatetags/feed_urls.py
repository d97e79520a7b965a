"""Template filters for feed addresses."""

from __future__ import annotations

from datetime import date

from django import template

from dailypapers.feed.discovery.services.days import day_url as _day_url

register = template.Library()


@register.filter
def day_url(day: date | None) -> str:
    """The one address of a day's feed, e.g. /day/2025-01-07/."""
    return _day_url(day) if day else ""
