"""Stars from a fake GitHub API on loopback: links, schedule, history, 304s, 404s, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from dailypapers.lib.github import GitHubClient
from dailypapers.papers.models import Paper
from dailypapers.repos.links import link_papers, link_unlinked
from dailypapers.repos.models import RefreshState, RepoLink, Repository, StarCount
from dailypapers.repos.refresh import due_ids, refresh
from dailypapers.repos.tasks import refresh_due_stars, refresh_stars
from dailypapers.testing.factories import import_paper, store_paper
from dailypapers.testing.fake_github import FakeGitHub

pytestmark = pytest.mark.django_db
DAY1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RECENT = date(2025, 1, 6)  # the newest announcement day: "now" for the data
OLD = date(2024, 6, 3)


@pytest.fixture
def github(settings):
    with FakeGitHub() as fake:
        settings.GITHUB_API_URL = fake.url
        yield fake


def client(github: FakeGitHub) -> GitHubClient:
    return GitHubClient(user_agent="dailypapers/test", base_url=github.url)


def paper_with_code(arxiv_id: str, link: str, day: date = RECENT) -> Paper:
    return store_paper(arxiv_id, day, abstract=f"Code: {link}")


def at(moment: datetime):
    return lambda: moment


def test_papers_are_linked_to_their_first_github_repository_which_they_may_share():
    paper_with_code("2501.00001", "https://github.com/Ada/Sparse and github.com/ada/other")
    paper_with_code("2501.00002", "github.com/ada/sparse.")
    store_paper("2501.00003", abstract="Code: https://gitlab.com/ada/sparse")
    link_unlinked()
    repo = Repository.objects.get()
    assert (repo.owner, repo.name, repo.key) == ("Ada", "Sparse", "ada/sparse")
    assert RepoLink.objects.filter(repository=repo).count() == 2


def test_an_import_relinks_the_papers_it_changes_and_the_sweep_skips_linked_ones(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    paper = paper_with_code("2501.00001", "https://github.com/ada/sparse")
    assert link_unlinked() == 1
    assert link_unlinked() == 0  # nothing left unlinked
    with django_capture_on_commit_callbacks(execute=True):
        import_paper("2501.00001", RECENT, abstract="Code: github.com/ada/dense", version=2)
    assert RepoLink.objects.get(paper=paper).repository.name == "dense"
    Paper.objects.filter(pk=paper.pk).update(code_links=[], has_code=False)
    link_papers([paper.pk])  # what the task does: a paper without GitHub link loses its link
    assert not RepoLink.objects.filter(paper=paper).exists()


def names(now: datetime) -> list[str]:
    return sorted(Repository.objects.filter(pk__in=due_ids(now)).values_list("name", flat=True))


def test_repositories_of_recent_papers_are_due_daily_and_older_ones_weekly():
    paper_with_code("2501.00001", "https://github.com/ada/recent")
    paper_with_code("2406.00001", "https://github.com/ada/old", day=OLD)
    link_unlinked()
    assert len(due_ids(DAY1)) == 2  # never fetched: due at once
    Repository.objects.update(fetched_at=DAY1, status=Repository.OK)
    assert names(DAY1 + timedelta(hours=12)) == []
    assert names(DAY1 + timedelta(days=1)) == ["recent"]
    assert names(DAY1 + timedelta(days=6)) == ["recent"]
    assert names(DAY1 + timedelta(days=7)) == ["old", "recent"]


def test_a_gone_repository_is_asked_again_only_after_a_month():
    paper_with_code("2501.00001", "https://github.com/ada/deleted")
    link_unlinked()
    Repository.objects.update(fetched_at=DAY1, status=Repository.GONE)
    assert due_ids(DAY1 + timedelta(days=8)) == []
    assert len(due_ids(DAY1 + timedelta(days=30))) == 1


def test_stars_are_kept_per_day_and_the_etag_makes_unchanged_counts_free(github):
    github.add("ada", "sparse", stars=100, created_at="2026-11-21T00:00:00Z")
    paper_with_code("2501.00001", "https://github.com/ada/sparse")
    link_unlinked()
    ids = due_ids(DAY1)
    first = refresh(ids, client(github), now=at(DAY1))
    repo = Repository.objects.get()
    assert first.changed == 1 and repo.stars == 100 and repo.etag
    assert repo.stars_per_day == 10.0  # first seen: 100 stars over its 10 days on GitHub
    second = refresh(ids, client(github), now=at(DAY1 + timedelta(days=1)))
    assert second.not_modified == 1 and github.requests[-1].status == 304
    github.star("ada", "sparse", 130)
    refresh(ids, client(github), now=at(DAY1 + timedelta(days=3)))
    repo.refresh_from_db()
    history = list(StarCount.objects.order_by("day").values_list("day", "stars"))
    assert history == [(date(2026, 12, 1), 100), (date(2026, 12, 2), 100),
                       (date(2026, 12, 4), 130)]  # fmt: skip
    assert repo.stars == 130 and repo.stars_per_day == 10.0  # 30 stars over 3 days


def test_a_second_run_on_the_same_day_rewrites_that_day(github):
    github.add("ada", "sparse", stars=5)
    paper_with_code("2501.00001", "https://github.com/ada/sparse")
    link_unlinked()
    ids = list(Repository.objects.values_list("pk", flat=True))
    refresh(ids, client(github), now=at(DAY1))
    github.star("ada", "sparse", 7)
    refresh(ids, client(github), now=at(DAY1 + timedelta(hours=3)))
    assert list(StarCount.objects.values_list("stars", flat=True)) == [7]


def test_a_missing_repository_is_recorded_as_gone_once(github):
    paper_with_code("2501.00001", "https://github.com/ada/deleted")
    link_unlinked()
    report = refresh(due_ids(DAY1), client(github), now=at(DAY1))
    repo = Repository.objects.get()
    assert report.gone == 1 and repo.status == Repository.GONE and repo.stars is None
    assert len(github.requests) == 1 and due_ids(DAY1 + timedelta(days=1)) == []


def test_a_rate_limit_stops_the_run_and_the_next_run_waits_for_the_reset(github):
    for name in ("a", "b", "c"):
        github.add("ada", name, stars=1)
        paper_with_code(f"2501.0000{ord(name) - 96}", f"https://github.com/ada/{name}")
    link_unlinked()
    ids = due_ids(DAY1)
    github.script("ada", "b", 429, {"Retry-After": "600"})
    limited = GitHubClient(user_agent="dailypapers/test", base_url=github.url, now=at(DAY1))
    report = refresh(ids, limited, now=at(DAY1))
    assert report.fetched == 1 and report.paused_until == DAY1 + timedelta(minutes=10)
    assert RefreshState.read("paused-until") == DAY1 + timedelta(minutes=10)
    sent = len(github.requests)
    waiting = refresh(due_ids(DAY1), client(github), now=at(DAY1 + timedelta(minutes=5)))
    assert waiting.fetched == 0 and len(github.requests) == sent  # nothing sent while paused
    later = DAY1 + timedelta(minutes=11)
    resumed = refresh(due_ids(later), client(github), now=at(later))
    assert resumed.fetched == 2 and resumed.paused_until is None


def test_the_task_takes_repository_ids_and_the_scheduled_run_links_papers_first(github):
    github.add("ada", "sparse", stars=3)
    paper_with_code("2501.00001", "https://github.com/ada/sparse")
    assert refresh_due_stars.call() == 1
    repo = Repository.objects.get()
    assert repo.stars == 3
    assert refresh_stars.call([repo.pk]) == 1  # fetched again on demand: same day, same row
    assert StarCount.objects.count() == 1


def test_the_command_fetches_what_is_due_with_a_limit_and_reports(github):
    for number in range(1, 4):
        github.add("ada", f"r{number}", stars=number)
        paper_with_code(f"2501.0000{number}", f"https://github.com/ada/r{number}")
    out = call_and_capture("github-stars", "--limit", "2", "--no-progress")
    assert "3 repositories" in out and "due: 2 repositories" in out
    assert "2 fetched" in out and "2 read, 0 unchanged (304)" in out
    assert Repository.objects.filter(stars__isnull=False).count() == 2


def call_and_capture(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
