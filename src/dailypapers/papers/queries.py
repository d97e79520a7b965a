"""Queries on papers that every part shares."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache

from dailypapers.papers.models import Paper

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def voted_ids(user: AbstractBaseUser | AnonymousUser, papers: Iterable[Paper]) -> set[int]:
    """Which of these papers the viewer upvoted: one query, none for signed-out visitors."""
    ids = [paper.pk for paper in papers]
    if not ids or not user.is_authenticated:
        return set()
    return set(Paper.objects.filter(pk__in=ids).voted_by(user).values_list("pk", flat=True))


def mark_voted(user: AbstractBaseUser | AnonymousUser, papers: list[Paper]) -> list[Paper]:
    """Set ``paper.voted`` on each paper, for the vote button partial."""
    voted = voted_ids(user, papers)
    for paper in papers:
        paper.voted = paper.pk in voted
    return papers


# The newest announcement day changes once a day (at an ingest); every feed, trending and
# digest window hangs off it, so it is cached briefly rather than asked on every request.
LATEST_DAY_CACHE_KEY = "papers:latest-announcement-day"
LATEST_DAY_CACHE_SECONDS = 60
_NO_DAY = "none"  # cached when no paper has a day yet (None means "not cached")


def _newest_announcement_day() -> date | None:
    # A few steps down the (announced_on, arxiv_id) index. Days estimated from a submission
    # time (a paper a member fetched through submit, say) count only when no listing gave a
    # day at all: one fetched paper must not move the whole site to its day.
    dated = Paper.objects.filter(announced_on__isnull=False).order_by("-announced_on")
    listed = dated.filter(announced_on_estimated=False).values_list("announced_on", flat=True)
    return listed.first() or dated.values_list("announced_on", flat=True).first()


def latest_announcement_day() -> date | None:
    """The newest day on which arXiv announced a paper we hold; None with no dated papers.

    Windows (the feed's latest day, trending, For you, digests) count from this day rather
    than from the clock, so an instance whose data stops (a sample, a paused ingest) still
    shows its last days as current, and a member's submission never starts a new day.
    """
    try:
        cached = cache.get(LATEST_DAY_CACHE_KEY)
    except Exception:  # a cache outage costs one indexed query, never the page
        cached = None
    if cached is not None:
        return None if cached == _NO_DAY else date.fromisoformat(cached)
    found = _newest_announcement_day()
    with contextlib.suppress(Exception):
        cache.set(LATEST_DAY_CACHE_KEY, found.isoformat() if found else _NO_DAY,
                  LATEST_DAY_CACHE_SECONDS)  # fmt: skip
    return found


def forget_latest_announcement_day() -> None:
    """Called after an ingest stores papers, so a new day shows at once."""
    with contextlib.suppress(Exception):
        cache.delete(LATEST_DAY_CACHE_KEY)


def data_now(wall_clock: datetime | None = None) -> datetime:
    """ "Now" as far as the data goes: the clock, but never past the end of the newest
    announcement day.

    On a live instance the two agree (a new day is announced every weekday); on a sample or
    an instance whose ingest stopped, ages and windows count from the last announced day,
    so the last days look as fresh as they were when they were announced.
    """
    clock = wall_clock or datetime.now(UTC)
    latest = latest_announcement_day()
    if latest is None:
        return clock
    end_of_latest = datetime.combine(latest + timedelta(days=1), time.min, tzinfo=UTC)
    return min(clock, end_of_latest)


def current_feed_day() -> date:
    """The day a member's action lands on (a submission, a curator's default day): the
    newest announcement day, or today (UTC) when nothing is announced or the clock is
    behind; so such actions never start a feed day of their own."""
    today = datetime.now(UTC).date()
    latest = latest_announcement_day()
    return min(latest, today) if latest is not None else today
