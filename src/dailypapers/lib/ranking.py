"""The trending formula, in the spirit of Hacker News and Lobsters gravity.

    points = upvotes + COMMENT_WEIGHT × comments + SUBMISSION_BONUS (if a member submitted it)
             + STARS_WEIGHT × log10(1 + code-repo stars)
    score  = points / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY

Age counts from the moment the paper entered the feed (its announcement, or a member's
submission if that came later). Gravity makes yesterday's 20 votes weigh less than this
morning's 5, so the list keeps moving; the offset keeps brand-new papers from dividing by
almost zero. A paper with no points scores 0. The About page prints these constants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

COMMENT_WEIGHT = 0.5
SUBMISSION_BONUS = 1.0
STARS_WEIGHT = 0.5
AGE_OFFSET_HOURS = 2.0
GRAVITY = 1.5


@dataclass(frozen=True, slots=True)
class Activity:
    upvotes: int
    comments: int
    submitted: bool
    entered_feed_at: datetime
    stars: int = 0


def points(activity: Activity) -> float:
    return (
        activity.upvotes
        + COMMENT_WEIGHT * activity.comments
        + (SUBMISSION_BONUS if activity.submitted else 0.0)
        + STARS_WEIGHT * math.log10(1 + max(activity.stars, 0))
    )


def trending_score(activity: Activity, now: datetime) -> float:
    age_hours = max((now - activity.entered_feed_at).total_seconds() / 3600.0, 0.0)
    return points(activity) / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY
