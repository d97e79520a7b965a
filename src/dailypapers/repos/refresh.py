"""Star counts from GitHub: which repositories are due, and how an answer is stored.

Schedule: a repository of a paper of the last RECENT_DAYS days (counted to ``data_now()``,
like trending) is fetched daily, any other weekly, one that is gone monthly (it may come
back public); one never fetched at once. Each interval is a little shorter than its name
(SLACK) so that a job running hourly does not slip a whole period when a run drifts.

A run (``refresh``):
1. stops at once while GitHub's pause holds (a rate limit answered earlier);
2. asks for each repository with the ETag of its last answer (a 304 keeps the stars);
3. records today's count in the history and recomputes the stars gained per day;
4. on a rate limit, stores the moment to resume and stops; the next run resumes then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from dailypapers import __version__
from dailypapers.lib.arxiv.client import user_agent
from dailypapers.lib.github import GitHubClient, RateLimited, RepoAnswer
from dailypapers.papers.queries import data_now
from dailypapers.repos.models import RefreshState, RepoLink, Repository, StarCount

RECENT_DAYS = 30
DAILY = timedelta(days=1)
WEEKLY = timedelta(days=7)
GONE_RECHECK = timedelta(days=30)
SLACK = timedelta(hours=2)
TREND_DAYS = 7  # stars gained per day are measured over up to this many days
PAUSED_UNTIL = "paused-until"


@dataclass(slots=True)
class RefreshReport:
    fetched: int = 0  # answers stored
    changed: int = 0  # 200s: new stars read
    not_modified: int = 0  # 304s
    gone: int = 0
    failed: int = 0
    paused_until: datetime | None = None


def github_client() -> GitHubClient:
    agent = user_agent(settings.GITHUB_CONTACT or settings.ARXIV_CONTACT, settings.SITE_URL)
    return GitHubClient(
        user_agent=agent or f"dailypapers/{__version__}",
        base_url=settings.GITHUB_API_URL,
        token=settings.GITHUB_TOKEN,
        timeout=settings.GITHUB_TIMEOUT,
    )


def due_ids(now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Repositories due for a fetch, the longest waiting first."""
    now = now or datetime.now(UTC)
    recent_since = data_now().date() - timedelta(days=RECENT_DAYS)
    recent = Exists(
        RepoLink.objects.filter(repository=OuterRef("pk"), paper__announced_on__gte=recent_since)
    )
    due = (
        Q(fetched_at__isnull=True)
        | Q(status=Repository.GONE, fetched_at__lt=now - GONE_RECHECK + SLACK)
        | (~Q(status=Repository.GONE) & Q(fetched_at__lt=now - WEEKLY + SLACK))
        | (~Q(status=Repository.GONE) & Q(fetched_at__lt=now - DAILY + SLACK) & Q(recent=True))
    )
    ids = (
        Repository.objects.annotate(recent=recent)
        .filter(due)
        .order_by(F("fetched_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:limit] if limit else ids)


def paused_until(now: datetime) -> datetime | None:
    until = RefreshState.read(PAUSED_UNTIL)
    return until if until is not None and until > now else None


def refresh(
    ids: Iterable[int],
    client: GitHubClient,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_progress: Callable[[int], None] | None = None,
) -> RefreshReport:
    """Fetch these repositories (idempotent: a second run the same day rewrites the day)."""
    report = RefreshReport()
    report.paused_until = paused_until(now())
    if report.paused_until is not None:
        return report
    ids = list(ids)
    repos = {repo.pk: repo for repo in Repository.objects.filter(pk__in=ids)}
    for repo_id in ids:
        repo = repos.get(repo_id)
        if repo is None:
            continue
        try:
            answer = client.repo(repo.owner, repo.name, repo.etag)
        except RateLimited as stop:
            RefreshState.write(PAUSED_UNTIL, stop.resume_at)
            report.paused_until = stop.resume_at
            break
        store(repo, answer, now())
        report.fetched += 1
        report.changed += answer.outcome == "ok"
        report.not_modified += answer.outcome == "not_modified"
        report.gone += answer.outcome == "gone"
        report.failed += answer.outcome == "failed"
        if on_progress is not None:
            on_progress(1)
    return report


@transaction.atomic
def store(repo: Repository, answer: RepoAnswer, now: datetime) -> None:
    """Save what GitHub said; a count (new or confirmed by a 304) goes into the history,
    in the same transaction as the repository's row."""
    repo.fetched_at = now
    repo.detail = answer.detail
    if answer.outcome == "ok":
        repo.stars, repo.etag, repo.status = answer.stars, answer.etag, Repository.OK
        repo.created_at = answer.created_at or repo.created_at
        owner, _, name = answer.full_name.partition("/")
        if name and Repository.key_for(owner, name) == repo.key:
            repo.owner, repo.name = owner, name  # GitHub's spelling; a rename keeps our key
    elif answer.outcome == "not_modified":
        repo.etag, repo.status = answer.etag or repo.etag, Repository.OK
    elif answer.outcome == "gone":
        repo.status, repo.etag = Repository.GONE, ""
    else:
        repo.status = Repository.FAILED
    if repo.status == Repository.OK and repo.stars is not None:
        today = now.date()
        StarCount.objects.update_or_create(
            repository=repo, day=today, defaults={"stars": repo.stars}
        )
        repo.stars_per_day = stars_per_day(repo, today)
    elif repo.status == Repository.GONE:
        repo.stars_per_day = 0.0
    repo.save()


def stars_per_day(repo: Repository, today: date) -> float:
    """Stars gained per day: over the last TREND_DAYS days of history where it holds an
    earlier day, else (a repository first seen today) its stars over its age on GitHub."""
    earliest = (
        StarCount.objects.filter(
            repository=repo, day__gte=today - timedelta(days=TREND_DAYS), day__lt=today
        )  # fmt: skip
        .order_by("day")
        .first()
    )
    stars = repo.stars or 0
    if earliest is not None:
        return max(stars - earliest.stars, 0) / (today - earliest.day).days
    if repo.created_at is None:
        return 0.0
    age_days = max((today - repo.created_at.date()).days, 1)
    return stars / age_days
