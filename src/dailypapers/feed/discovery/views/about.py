"""The About page: what the site is and how trending is computed.

The constants come from lib/ranking.py itself, so the page can never disagree with the code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dailypapers.feed import trending
from dailypapers.lib import ranking

# A worked example for readers: numbers a person can check with a calculator.
EXAMPLE_UPVOTES, EXAMPLE_COMMENTS, EXAMPLE_AGE_HOURS = 10, 4, 6


def _example() -> dict[str, float]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    activity = ranking.Activity(
        upvotes=EXAMPLE_UPVOTES,
        comments=EXAMPLE_COMMENTS,
        submitted=True,
        entered_feed_at=now - timedelta(hours=EXAMPLE_AGE_HOURS),
    )
    return {
        "upvotes": EXAMPLE_UPVOTES,
        "comments": EXAMPLE_COMMENTS,
        "age_hours": EXAMPLE_AGE_HOURS,
        "points": ranking.points(activity),
        "score": ranking.trending_score(activity, now),
    }


def _fallback_example() -> dict[str, float]:
    def score(age_days: int) -> float:
        standing = ranking.Standing(False, has_code=True, cross_lists=2, age_days=age_days)
        return ranking.fallback_score(standing)

    return {"today": score(0), "earlier": score(2)}


def about(request: HttpRequest) -> HttpResponse:
    context = {
        "comment_weight": ranking.COMMENT_WEIGHT,
        "submission_bonus": ranking.SUBMISSION_BONUS,
        "age_offset_hours": ranking.AGE_OFFSET_HOURS,
        "gravity": ranking.GRAVITY,
        "window_days": trending.WINDOW_DAYS,
        "example": _example(),
        "min_community_papers": ranking.MIN_COMMUNITY_PAPERS,
        "fallback_days": ranking.FALLBACK_DAYS,
        "fallback_base": ranking.FALLBACK_BASE,
        "code_weight": ranking.CODE_WEIGHT,
        "cross_list_weight": ranking.CROSS_LIST_WEIGHT,
        "max_cross_lists": ranking.MAX_CROSS_LISTS,
        "star_weight": ranking.STAR_WEIGHT,
        "max_star_powers": ranking.MAX_STAR_POWERS,
        "fallback_signals": ranking.FALLBACK_SIGNALS,
        "fallback_example": _fallback_example(),
        "cache_seconds": settings.ANONYMOUS_PAGE_CACHE_SECONDS,
    }
    return render(request, "feed/discovery/about.html", context)
