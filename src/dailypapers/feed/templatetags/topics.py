"""Template tags for topics that pages outside the feed app include."""

from __future__ import annotations

from django import template

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
