"""Template tags that make the community partials self-sufficient.

Pages include ``feed/community/includes/comments.html`` and friends with nothing but ``paper`` in
the context; these inclusion tags fetch what the partials need. Inclusion tags get a fresh
context, so the request, the user and the CSRF token are handed over explicitly.
"""

from __future__ import annotations

from typing import Any

from django import template

from dailypapers.feed.community.services.collections import picker_context
from dailypapers.feed.community.services.comments import section_context
from dailypapers.feed.community.services.curation import curation_context
from dailypapers.feed.community.services.signin import login_url_for
from dailypapers.feed.models import Collection
from dailypapers.papers.models import Paper

register = template.Library()


def _carry(context: template.Context, values: dict[str, Any]) -> dict[str, Any]:
    values["csrf_token"] = context.get("csrf_token")
    return values


@register.simple_tag(takes_context=True)
def login_url(context: template.Context) -> str:
    """The sign-in page, coming back here afterwards."""
    return login_url_for(context.get("request"))


@register.inclusion_tag("feed/community/comment_section.html", takes_context=True)
def comment_section(context: template.Context, paper: Paper) -> dict[str, Any]:
    return _carry(context, section_context(context["request"], paper))


@register.inclusion_tag("feed/community/collection_picker.html", takes_context=True)
def collection_picker(context: template.Context, paper: Paper) -> dict[str, Any]:
    return _carry(context, picker_context(context["request"], paper))


@register.inclusion_tag("feed/community/curation_box.html", takes_context=True)
def curation_box(context: template.Context, paper: Paper) -> dict[str, Any]:
    return _carry(context, curation_context(context["request"], paper))


@register.simple_tag(takes_context=True)
def my_collections(context: template.Context) -> list[Collection]:
    """The signed-in member's collections, fetched once per request for every list item."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    mine = getattr(request, "_my_collections", None)
    if mine is None:
        mine = list(Collection.objects.filter(owner=request.user).only("pk", "name"))
        request._my_collections = mine
    return mine
