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
                      + CROSS_LIST_WEIGHT × min(cross-lists, MAX_CROSS_LISTS)
    fallback score  = fallback points / (age_days + 1)

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


def fallback_points(standing: Standing) -> float:
    return (
        FALLBACK_BASE
        + (SUBMISSION_BONUS if standing.submitted else 0.0)
        + (CODE_WEIGHT if standing.has_code else 0.0)
        + CROSS_LIST_WEIGHT * min(max(standing.cross_lists, 0), MAX_CROSS_LISTS)
    )


def fallback_score(standing: Standing) -> float:
    return fallback_points(standing) / (max(standing.age_days, 0) + 1)


def recency_factor(age_days: int) -> float:
    """The divisor's inverse for one age, for callers that rank in SQL day by day."""
    return 1.0 / (max(age_days, 0) + 1)


FALLBACK_SIGNALS = "member submissions, links to code, cross-lists and recency"
