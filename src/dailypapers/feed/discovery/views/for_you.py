"""The "For you" page: a member's recommendations with their reasons, and their feed's address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from dailypapers.feed.personal_feed import feed_token, regenerate_feed_token
from dailypapers.feed.recommend import recommend_for_user, user_signals
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import mark_voted

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest

SHOWN = 30


def personal_feed_urls(request: HttpRequest, token: str) -> dict[str, str]:
    """Absolute RSS and Atom addresses of a member's feed ({} while the feeds are not wired)."""
    try:
        return {
            fmt: request.build_absolute_uri(reverse("feeds:for_you", args=[token, fmt]))
            for fmt in ("rss", "atom")
        }
    except NoReverseMatch:
        return {}


@login_required
def for_you(request: AuthenticatedHttpRequest) -> HttpResponse:
    picks = recommend_for_user(request.user.pk, limit=SHOWN)
    papers = mark_voted(
        request.user, Paper.objects.listed().in_order([pick.paper_id for pick in picks])
    )
    reasons = {pick.paper_id: pick.reason for pick in picks}
    for paper in papers:
        paper.reason = reasons[paper.pk]
    signals = user_signals(request.user.pk)
    context = {
        "papers": papers,
        "cold_start": not signals.positives,
        "topic_count": len(signals.topics),
        "feed_urls": personal_feed_urls(request, feed_token(request.user.pk)),
    }
    response = render(request, "feed/discovery/for_you.html", context)
    response["Cache-Control"] = "private, no-store"  # the page shows the feed's secret
    return response


@require_POST
@login_required
def regenerate_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    regenerate_feed_token(request.user.pk)
    messages.success(request, "Your feed has a new address; the old one no longer works.")
    return HttpResponseRedirect(reverse("feed:for_you") + "#feed")
