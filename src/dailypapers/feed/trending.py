"""Keep the stored trending score (an indexed column on Paper) current.

Votes and comments call ``refresh_papers`` for the paper they touch; the scheduler runs
``refresh_recent`` every few minutes because scores decay with age even when nothing
happens. Counters are recounted from the votes and comments tables here, so any drift
from the quick increments in the request path heals on the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Q

from dailypapers.lib.ranking import Activity, trending_score
from dailypapers.papers.models import Paper

WINDOW_DAYS = 30  # older papers drop out of trending (score 0)


def _entered_feed_at(paper: Paper) -> datetime:
    times = []
    if paper.announced_on:
        times.append(datetime.combine(paper.announced_on, time.min, tzinfo=UTC))
    submission = getattr(paper, "submission", None)
    if submission is not None:
        times.append(submission.submitted_at)
    return max(times) if times else paper.first_seen_at


def refresh_papers(paper_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recount votes and comments and recompute the score of these papers."""
    now = now or datetime.now(UTC)
    papers = (
        Paper.objects.filter(pk__in=list(paper_ids))
        .select_related("submission")
        .annotate(
            votes_now=Count("votes", distinct=True),
            comments_now=Count(
                "discussion",
                filter=Q(discussion__is_deleted=False, discussion__is_hidden=False),
                distinct=True,
            ),
        )
    )
    changed = []
    for paper in papers:
        activity = Activity(
            upvotes=paper.votes_now,
            comments=paper.comments_now,
            submitted=getattr(paper, "submission", None) is not None,
            entered_feed_at=_entered_feed_at(paper),
        )
        score = trending_score(activity, now)
        if now - activity.entered_feed_at > timedelta(days=WINDOW_DAYS):
            score = 0.0
        paper.upvote_count = paper.votes_now
        paper.comment_count = paper.comments_now
        paper.trending_score = score
        changed.append(paper)
    Paper.objects.bulk_update(changed, ["upvote_count", "comment_count", "trending_score"])
    return len(changed)


def refresh_recent(now: datetime | None = None) -> int:
    """Recompute every paper that has a score or activity; old ones fall to 0."""
    now = now or datetime.now(UTC)
    ids = Paper.objects.filter(
        Q(trending_score__gt=0)
        | Q(upvote_count__gt=0)
        | Q(comment_count__gt=0)
        | Q(submission__isnull=False)
    ).values_list("pk", flat=True)
    total = 0
    batch: list[int] = []
    for paper_id in ids.iterator(chunk_size=2000):
        batch.append(paper_id)
        if len(batch) >= 500:
            total += refresh_papers(batch, now)
            batch = []
    if batch:
        total += refresh_papers(batch, now)
    return total
