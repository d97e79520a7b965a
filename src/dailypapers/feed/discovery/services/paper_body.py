"""The paper page's content, rendered by Jinja2 (core/jinja.py) from what the view loaded.

A page-cache miss renders it from scratch, and through Django's engine the content alone
(three levels of includes, inclusion tags and a loop of filters per author) was most of the
miss's CPU. Here the tags' work is done once in Python and ``feed/discovery/paper_body.html``
(Jinja2) writes the markup. What a signed-out reader sees of the community partials (a
log-in link in place of each form) is written in that template; what a member sees (forms,
CSRF tokens, the curators' box) is rendered by the same Django partials as on every other
page (``_member_parts``). A paper with comments gets Django's discussion partial whoever
reads it: its threads, flags and forms stay in one template.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.template.backends.base import BaseEngine
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from dailypapers.core.jinja import register_filters, render_fragment
from dailypapers.feed.community.services.claimed_authors import claimant_link, claimants_by_author
from dailypapers.feed.community.services.comments import threads_for
from dailypapers.feed.community.services.signin import login_url_for
from dailypapers.feed.context_processors import PartialAvailability
from dailypapers.feed.discovery.services.days import day_url as _day_url
from dailypapers.feed.queries import AuthorRow
from dailypapers.papers.models import Paper
from dailypapers.repos.templatetags.repos import paper_code
from dailypapers.summaries.read import shown
from dailypapers.summaries.templatetags.auto_summaries import phrase_search_url

TEMPLATE = "feed/discovery/paper_body.html"
NO_ABSTRACT = "No abstract was given."


def _day_url_or_blank(day: Any) -> str:
    return _day_url(day) if day else ""


@cache
def _filters_registered() -> bool:
    register_filters(day_url=_day_url_or_blank, phrase_search_url=phrase_search_url)
    return True


@cache
def _django() -> BaseEngine:
    return engines["django"]


@cache
def _claim_box_template() -> Any:
    # The inclusion tag itself (feed/templatetags/claims.py), not a copy of what it renders.
    return _django().from_string("{% load claims %}{% claim_box paper %}")


def _member_parts(request: HttpRequest, paper: Paper, voted: bool) -> dict[str, SafeString]:
    """The community partials exactly as the Django paper page included them."""
    context = {"paper": paper, "voted": voted}

    def part(name: str) -> SafeString:
        return SafeString(render_to_string(name, context, request))

    return {
        "claim_box": SafeString(_claim_box_template().render(context, request)),
        "vote": part("feed/community/_vote.html"),
        "collection_picker": part("feed/community/_collection_picker.html"),
        "curation": part("feed/community/_curation.html"),
    }


def _discussion(request: HttpRequest, paper: Paper, partials: PartialAvailability) -> SafeString:
    """Django's discussion partial for a member or a paper with comments; "" otherwise, and
    the template writes the signed-out reader's empty section."""
    if not partials["comments"]:
        return SafeString("")
    # No comment counted, but a hidden or deleted one with replies would still show.
    if (
        not request.user.is_authenticated
        and not paper.comment_count
        and not threads_for(paper, request.user)
    ):
        return SafeString("")
    return SafeString(render_to_string("feed/community/_comments.html", {"paper": paper}, request))


def _code_section(paper: Paper) -> SafeString:
    """repos/_paper.html when the paper has code or links (few do); "" otherwise."""
    if not paper_code(paper):
        return SafeString("")
    return SafeString(render_to_string("repos/_paper.html", {"paper": paper}))


def paper_body(
    request: HttpRequest,
    paper: Paper,
    authors: list[AuthorRow],
    context: dict[str, Any],
) -> SafeString:
    """The content block of the paper page; ``context`` is the view's (voted, submission,
    bibtex, related, related_by)."""
    _filters_registered()
    partials = PartialAvailability()
    member = request.user.is_authenticated
    claimants = claimants_by_author(paper, authors)
    by: Callable[[AuthorRow], str] = partial(claimant_link, claimants=claimants)
    values = {
        **context,
        "paper": paper,
        "authors": authors,
        "author_line": ", ".join(paper.author_names or []),
        "claimed_by": by,
        "thumbnail": getattr(paper, "thumbnail", None),
        "partials": partials,
        "member_parts": _member_parts(request, paper, context["voted"]) if member else None,
        "login_url": "" if member else login_url_for(request),
        "auto": shown(paper),
        "code_section": _code_section(paper),
        "abstract_html": linebreaks_filter(paper.abstract or NO_ABSTRACT, autoescape=True),
        "discussion": _discussion(request, paper, partials),
        "hx_request": bool(request.META.get("HTTP_HX_REQUEST")),
    }
    return render_fragment(TEMPLATE, values)
