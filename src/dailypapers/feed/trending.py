"""Keep the stored trending score (an indexed column on Paper) current.

Votes and comments call ``refresh_papers`` for the paper they touch; the scheduler runs
``refresh_recent`` every few minutes because scores decay with age even when nothing
happens. Counters are recounted from the votes and comments tables here, so any drift
from the quick increments in the request path heals on the next run.

Ages count to ``data_now()``: the clock, but never past the newest announcement day, so an
instance whose data stops (the sample, a paused ingest) keeps its last days trending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce, Least, Length, Replace

from dailypapers.feed.models import Submission
from dailypapers.lib import ranking
from dailypapers.lib.ranking import Activity, trending_score
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import data_now, latest_announcement_day
from dailypapers.papers.querysets import PaperQuerySet
from dailypapers.repos.queries import star_points

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WINDOW_DAYS = 30  # older papers drop out of trending (score 0)


def _entered_feed_at(paper: Paper) -> datetime:
    times = []
    if paper.announced_on:
        times.append(datetime.combine(paper.announced_on, time.min, tzinfo=UTC))
    submission = getattr(paper, "submission", None)
    if submission is not None:
        times.append(submission.submitted_at)
    return max(times) if times else paper.first_seen_at


class _Recount(TypedDict):
    votes_now: int
    comments_now: int


def refresh_papers(paper_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recount votes and comments and recompute the score of these papers."""
    now = now or data_now()
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
    # PaperQuerySet is bound to Paper, so django-stubs drops annotate()'s columns from its
    # rows; the cast names the two the query above adds.
    for paper in cast("Iterable[WithAnnotations[Paper, _Recount]]", papers):
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
    now = now or data_now()
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


@dataclass(frozen=True, slots=True)
class Signal:
    """Which signal ranks trending now, in words for the page, its feeds and the digest."""

    scored: int  # papers with community points, counted up to MIN_COMMUNITY_PAPERS
    latest_day: date | None

    @property
    def thin(self) -> bool:
        return self.scored < ranking.MIN_COMMUNITY_PAPERS and self.latest_day is not None

    @property
    def note(self) -> str:
        """One sentence saying what ranked the list; "" when votes and comments did."""
        if not self.thin:
            return ""
        days = f"the last {WINDOW_DAYS} days"
        fallback = (
            f"papers of the latest {ranking.FALLBACK_DAYS} days are ranked by "
            f"{ranking.FALLBACK_SIGNALS}"
        )
        if self.scored == 0:
            return f"No votes yet in {days}: {fallback}."
        papers = "paper has" if self.scored == 1 else "papers have"
        return f"Only {self.scored} {papers} votes or comments in {days}; after them, {fallback}."


def current_signal() -> Signal:
    scored = Paper.objects.filter(trending_score__gt=0)[: ranking.MIN_COMMUNITY_PAPERS].count()
    return Signal(scored=scored, latest_day=latest_announcement_day())


def with_fallback(papers: PaperQuerySet, latest: date) -> PaperQuerySet:
    """Scored papers and those of the latest FALLBACK_DAYS days, each annotated with
    ``fallback_score`` (lib/ranking.py's formula in SQL)."""
    since = latest - timedelta(days=ranking.FALLBACK_DAYS - 1)
    cross_lists = Length("categories") - Length(Replace("categories", Value(" "), Value("")))
    points = (
        Value(ranking.FALLBACK_BASE)
        + Case(
            When(submission__isnull=False, then=Value(ranking.SUBMISSION_BONUS)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        + Case(
            When(has_code=True, then=Value(ranking.CODE_WEIGHT)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        + Value(ranking.CROSS_LIST_WEIGHT)
        * Least(cross_lists, Value(ranking.MAX_CROSS_LISTS), output_field=FloatField())
        + star_points()
    )
    # One WHEN per day keeps the date arithmetic out of SQL, where every database differs.
    recency = Case(
        *(
            When(feed_day=since + timedelta(days=offset),
                 then=Value(ranking.recency_factor(ranking.FALLBACK_DAYS - 1 - offset)))
            for offset in range(ranking.FALLBACK_DAYS)
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )  # fmt: skip
    days = (since, latest)
    # Three indexed look-ups rather than one condition on the computed day, which would
    # read every paper.
    in_window = (
        Q(trending_score__gt=0)
        | Q(pk__in=Paper.objects.filter(announced_on__range=days).values("pk"))
        | Q(pk__in=Submission.objects.filter(feed_day__range=days).values("paper_id"))
    )
    return (
        papers.filter(in_window)
        .annotate(feed_day=Coalesce(F("submission__feed_day"), F("announced_on")))
        .annotate(fallback_score=points * recency)
    )
