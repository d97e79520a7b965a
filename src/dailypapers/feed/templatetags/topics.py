"""Template tags for topics that pages outside the feed app include."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from dailypapers.feed.models import Topic
from dailypapers.feed.topics import followed_topics as followed_by

register = template.Library()


@register.simple_tag(takes_context=True)
def followed_topics(context: template.Context) -> list[Topic]:
    """The topics the signed-in member follows ([] for visitors)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return []
    return followed_by(user.pk)


@register.inclusion_tag("feed/discovery/topics/_search_alternate.html")
def saved_search_feed_links(form: Any, results: Any) -> dict[str, str]:
    """Autodiscovery links of a search's feed (``/feeds/search/…``); none before a search."""
    if not getattr(results, "searched", False) or bool(getattr(results, "error", "")):
        return {}
    params = {"q": form.q, "category": form.category, "code": "1" if form.has_code else ""}
    query = urlencode({key: value for key, value in params.items() if value})
    try:
        rss, atom = (reverse("feeds:search", args=[fmt]) for fmt in ("rss", "atom"))
    except NoReverseMatch:
        return {}
    title = f"Search: {form.q.strip()[:60]}" if form.q.strip() else "Search"
    return {"rss": f"{rss}?{query}", "atom": f"{atom}?{query}", "title": title}
