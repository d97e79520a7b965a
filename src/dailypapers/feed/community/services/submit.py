"""Submissions: a member puts an arXiv paper on the latest day's feed ("submitted by").

A paper we don't have yet is fetched from the arXiv API first; when arXiv can't be
reached or answers an error, nothing is stored and the form says so in one sentence,
naming neither the upstream address nor the error's class. The member waits on the page,
so the fetch is tried once with a short timeout, and an arXiv that could not be reached is
remembered for UNREACHABLE_SECONDS: submissions meanwhile answer at once without trying.
A fetch that failed counts against the member's SUBMISSIONS_PER_DAY like a submission
(each one held a worker and cost arXiv a request). One submission per paper (a one-to-one
in the database): a second one points to the first instead.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.feed.models import Submission
from dailypapers.feed.trending import refresh_papers
from dailypapers.lib.arxiv.client import ArxivHttpError
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.api import import_api
from dailypapers.papers.ingest.connect import interactive_arxiv_client
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import current_feed_day

log = logging.getLogger(__name__)

QUOTA_WINDOW = timedelta(hours=24)
UNREACHABLE_KEY = "submit:arxiv-unreachable"
UNREACHABLE_SECONDS = 60  # how long a failed connect answers later submissions at once


class SubmitError(Exception):
    """A submission that cannot go ahead; the message is shown to the member as is."""

    def __init__(self, message: str, *, status: int = 400, existing: Submission | None = None):
        super().__init__(message)
        self.status = status
        self.existing = existing


@dataclass
class Outcome:
    submission: Submission
    fetched: bool  # the paper came from arXiv just now


def _failures_key(user_id: int) -> str:
    return f"submit:failed-fetches:{user_id}"


def _recent_failures(user_id: int, now: float) -> list[float]:
    try:
        stamps = cache.get(_failures_key(user_id)) or []
    except Exception:  # a cache outage must not stop submissions
        return []
    return [stamp for stamp in stamps if now - stamp < QUOTA_WINDOW.total_seconds()]


def _count_failed_fetch(user_id: int) -> None:
    now = time.time()
    stamps = [*_recent_failures(user_id, now), now]
    with contextlib.suppress(Exception):
        cache.set(_failures_key(user_id), stamps, int(QUOTA_WINDOW.total_seconds()))


def submissions_left(user: User) -> int:
    # A rolling 24 hours rather than the calendar day, so the limit can't be doubled
    # by submitting just before and just after midnight.
    since = timezone.now() - QUOTA_WINDOW
    used = Submission.objects.filter(submitted_by=user, submitted_at__gte=since).count()
    used += len(_recent_failures(user.pk, time.time()))
    return max(settings.SUBMISSIONS_PER_DAY - used, 0)


def _check_limit(user: User) -> None:
    if submissions_left(user) <= 0:
        raise SubmitError(
            f"You can submit {settings.SUBMISSIONS_PER_DAY} papers in 24 hours, and you have. "
            "Please come back tomorrow.",
            status=429,
        )


def _existing(arxiv_id: str) -> Submission | None:
    return (
        Submission.objects.select_related("paper", "submitted_by")
        .filter(paper__arxiv_id=arxiv_id)
        .first()
    )


def _unreachable(arxiv_id: str) -> SubmitError:
    return SubmitError(
        f"arXiv cannot be reached just now, so we could not fetch {arxiv_id} and nothing "
        "was saved; please try again in a few minutes.",
        status=502,
    )


def _arxiv_known_unreachable() -> bool:
    try:
        return bool(cache.get(UNREACHABLE_KEY))
    except Exception:
        return False


def _fetch(user: User, arxiv_id: str) -> Paper:
    if _arxiv_known_unreachable():
        raise _unreachable(arxiv_id)  # no request was made: the quota is left alone
    client = interactive_arxiv_client()
    try:
        import_api(ids=[arxiv_id], client=client)
    except SourceError as exc:
        # The details (address, error) are for the operator's log, not the member's page.
        log.warning("submission of %s: arXiv fetch failed: %s", arxiv_id, exc)
        _count_failed_fetch(user.pk)
        if isinstance(exc, ArxivHttpError) and exc.status is None:
            with contextlib.suppress(Exception):
                cache.set(UNREACHABLE_KEY, True, UNREACHABLE_SECONDS)
            raise _unreachable(arxiv_id) from None
        raise SubmitError(
            f"We could not fetch {arxiv_id} from arXiv just now (arXiv answered with an "
            "error). Nothing was saved; please try again in a few minutes.",
            status=502,
        ) from None
    finally:
        client.close()
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    if paper is None:
        _count_failed_fetch(user.pk)
        raise SubmitError(
            f"arXiv has no paper {arxiv_id}. Check the id, or paste the link from arxiv.org.",
            status=404,
        )
    return paper


def submit_paper(user: User, arxiv_id: str) -> Outcome:
    """Put ``arxiv_id`` (a bare id) on the latest day's feed (``current_feed_day``) in
    ``user``'s name, or raise SubmitError."""
    existing = _existing(arxiv_id)
    if existing is not None:
        raise SubmitError("Someone already submitted this paper.", status=409, existing=existing)
    _check_limit(user)  # before fetching: a member at the limit costs arXiv no request
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    fetched = paper is None
    if paper is None:
        paper = _fetch(user, arxiv_id)
    try:
        with transaction.atomic():
            # Lock the member's row so two quick submissions can't both pass the count.
            User.objects.select_for_update().filter(pk=user.pk).first()
            _check_limit(user)
            submission = Submission.objects.create(
                paper=paper, submitted_by=user, feed_day=current_feed_day()
            )
    except IntegrityError:  # someone submitted it while we were fetching
        raise SubmitError(
            "Someone already submitted this paper.", status=409, existing=_existing(arxiv_id)
        ) from None
    refresh_papers([paper.pk])  # a submission lifts the trending score
    return Outcome(submission, fetched)
