"""``{% auto_summary paper as auto %}`` and the search link of a key phrase."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django import template
from django.urls import reverse

from dailypapers.papers.models import Paper
from dailypapers.summaries.read import Shown, shown

register = template.Library()


@register.simple_tag
def auto_summary(paper: Paper) -> Shown:
    """The paper's automatic summary and key phrases (stored, else computed on read)."""
    return shown(paper)


@cache
def _search_path() -> str:
    return reverse("search:search")


@register.filter
def phrase_search_url(phrase: str) -> str:
    """/search/?q="the phrase": the papers that use it, as a quoted phrase."""
    quoted = quote(f'"{phrase}"', safe="")
    return f"{_search_path()}?q={quoted}"
