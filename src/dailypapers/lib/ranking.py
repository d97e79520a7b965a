"""The trending formula, in the spirit of Hacker News and Lobsters gravity.

    points = upvotes + COMMENT_WEIGHT × comments + SUBMISSION_BONUS (if a member submitted it)
    score  = points / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY

Age counts from the moment the paper entered the feed (its announcement, or a member's
submission if that came later). Gravity makes yesterday's 20 votes weigh less than this
morning's 5, so the list keeps moving; the offset keeps brand-new papers from dividing by
almost zero. A paper with no points scores 0. The About page prints these constants.

When community signal is thin (fewer than MIN_COMMUNITY_PAPERS papers with points in the
trending window), the papers of the latest FALLBACK_DAYS days are ranked after the scored
ones by signals every paper has:

    fallback points = FALLBACK_BASE + SUBMISSION_BONUS (if a member submitted it)
                      + CODE_WEIGHT (if it links code)
                      + STAR_WEIGHT × min(⌊log10(GitHub stars)⌋, MAX_STAR_POWERS)
                      + CROSS_LIST_WEIGHT × min(cross-lists, MAX_CROSS_LISTS)
    fallback score  = fallback points / (age_days + 1)

The star term counts powers of ten: 10 stars add STAR_WEIGHT, 100 twice that, 1,000
three times, 10,000 or more four times; stars are read from the paper's GitHub repository
(the first it links), refreshed daily while the paper is recent. Counting digits rather
than stars keeps one viral repository from burying every other paper.
``age_days`` counts whole days back from the newest announcement day (0 for that day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

COMMENT_WEIGHT = 0.5
SUBMISSION_BONUS = 1.0
AGE_OFFSET_HOURS = 2.0
GRAVITY = 1.5

MIN_COMMUNITY_PAPERS = 10  # fewer scored papers than this and the fallback fills the list
FALLBACK_DAYS = 7  # the fallback ranks the papers of this many latest days
FALLBACK_BASE = 1.0  # every recent paper has some standing, so the list is never empty
CODE_WEIGHT = 1.0
CROSS_LIST_WEIGHT = 0.25
MAX_CROSS_LISTS = 4  # a paper cross-listed everywhere is not four times as interesting
STAR_WEIGHT = 0.5  # per power of ten of the repository's GitHub stars, from 10 stars
MAX_STAR_POWERS = 4  # 10,000 stars and more count the same


@dataclass(frozen=True, slots=True)
class Activity:
    upvotes: int
    comments: int
    submitted: bool
    entered_feed_at: datetime


def points(activity: Activity) -> float:
    return (
        activity.upvotes
        + COMMENT_WEIGHT * activity.comments
        + (SUBMISSION_BONUS if activity.submitted else 0.0)
    )


def trending_score(activity: Activity, now: datetime) -> float:
    age_hours = max((now - activity.entered_feed_at).total_seconds() / 3600.0, 0.0)
    # math.pow rather than **: float ** float may be complex for a negative base, so typeshed
    # types it Any; the base here is at least AGE_OFFSET_HOURS.
    return points(activity) / math.pow(age_hours + AGE_OFFSET_HOURS, GRAVITY)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the fallback knows of a recent paper without votes."""

    submitted: bool
    has_code: bool
    cross_lists: int  # categories beyond the primary one
    age_days: int  # whole days before the newest announcement day
    stars: int = 0  # of the paper's GitHub repository; 0 when it has none or none is known


def fallback_points(standing: Standing) -> float:
    return (
        FALLBACK_BASE
        + (SUBMISSION_BONUS if standing.submitted else 0.0)
        + (CODE_WEIGHT if standing.has_code else 0.0)
        + CROSS_LIST_WEIGHT * min(max(standing.cross_lists, 0), MAX_CROSS_LISTS)
        + star_points(standing.stars)
    )


def star_points(stars: int) -> float:
    """STAR_WEIGHT per power of ten of ``stars`` (10 → 1 power), at most MAX_STAR_POWERS."""
    powers = len(str(stars)) - 1 if stars > 0 else 0
    return STAR_WEIGHT * min(powers, MAX_STAR_POWERS)


def fallback_score(standing: Standing) -> float:
    return fallback_points(standing) / (max(standing.age_days, 0) + 1)


def recency_factor(age_days: int) -> float:
    """The divisor's inverse for one age, for callers that rank in SQL day by day."""
    return 1.0 / (max(age_days, 0) + 1)


FALLBACK_SIGNALS = "member submissions, links to code, GitHub stars, cross-lists and recency"
