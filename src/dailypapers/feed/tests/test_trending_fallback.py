"""Time relative to the data, and trending that is never empty on a quiet instance.

The papers here were announced in January 2025, long before the clock of any test run:
like the shared sample, whose data ends months before today.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from dailypapers.feed.community.services.submit import submit_paper
from dailypapers.feed.models import Vote
from dailypapers.feed.queries import FeedFilters, trending_papers
from dailypapers.feed.recommend import recommend_for_user
from dailypapers.feed.trending import current_signal, refresh_papers, refresh_recent
from dailypapers.lib.ranking import Standing, fallback_score
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_user, store_paper

pytestmark = pytest.mark.django_db
LATEST = date(2025, 1, 8)


def listed(body: str) -> list[str]:
    return re.findall(r'<a href="/papers/([^"]+)/">', body)


@pytest.fixture
def quiet_week() -> None:
    """Papers of the last days, no votes: only the fallback can rank them."""
    store_paper("2501.00001", LATEST, categories=["cs.LG"])
    store_paper("2501.00002", LATEST, categories=["cs.LG", "cs.AI", "stat.ML"])
    store_paper("2501.00003", LATEST, categories=["cs.CV"])
    store_paper("2501.00004", date(2025, 1, 7), categories=["cs.LG"])
    store_paper("2501.00005", date(2025, 1, 6), categories=["math.OC"])
    store_paper("2412.00006", date(2024, 12, 2), categories=["cs.LG"])  # outside the fallback days
    Paper.objects.filter(arxiv_id__in=["2501.00003", "2501.00004"]).update(
        has_code=True, code_links=["https://github.com/example/code"]
    )


def test_trending_on_a_quiet_instance_ranks_the_latest_days_by_the_published_fallback(
    client, quiet_week
):
    body = client.get("/trending/").content.decode()
    assert listed(body) == ["2501.00003", "2501.00002", "2501.00001", "2501.00004", "2501.00005"]
    assert "No votes yet in the last 30 days" in body
    assert (
        "ranked by member submissions, links to code, GitHub stars, cross-lists and recency" in body
    )
    assert 'href="/about/#trending-fallback"' in body


def test_the_fallback_in_sql_gives_exactly_the_scores_of_the_formula(quiet_week):
    signal = current_signal()
    assert signal.thin and signal.latest_day == LATEST
    found = {p.arxiv_id: p.fallback_score for p in trending_papers(FeedFilters(), signal)}
    expected = {
        "2501.00001": fallback_score(Standing(False, False, 0, 0)),
        "2501.00002": fallback_score(Standing(False, False, 2, 0)),
        "2501.00003": fallback_score(Standing(False, True, 0, 0)),
        "2501.00004": fallback_score(Standing(False, True, 0, 1)),
        "2501.00005": fallback_score(Standing(False, False, 0, 2)),
    }
    assert found == pytest.approx(expected)
    assert expected["2501.00002"] == pytest.approx(1.5) and expected["2501.00004"] == 1.0


def test_papers_with_votes_come_first_and_the_page_says_how_few_there_are(client, quiet_week):
    voter = make_user()
    paper = Paper.objects.get(arxiv_id="2501.00005")
    Vote.objects.create(user=voter, paper=paper)
    refresh_papers([paper.pk])
    body = client.get("/trending/").content.decode()
    assert listed(body)[0] == "2501.00005"
    assert "Only 1 paper has votes or comments in the last 30 days" in body


def test_with_enough_votes_the_fallback_and_its_note_disappear(client, quiet_week, monkeypatch):
    from dailypapers.lib import ranking

    monkeypatch.setattr(ranking, "MIN_COMMUNITY_PAPERS", 1)
    paper = Paper.objects.get(arxiv_id="2501.00001")
    Vote.objects.create(user=make_user(), paper=paper)
    refresh_papers([paper.pk])
    body = client.get("/trending/").content.decode()
    assert listed(body) == ["2501.00001"]
    assert "No votes yet" not in body and "Only 1 paper" not in body


def test_votes_on_papers_of_a_data_set_that_ended_long_ago_still_trend(quiet_week):
    # The trending window counts from the newest announcement day, not from the clock.
    paper = Paper.objects.get(arxiv_id="2501.00004")
    Vote.objects.create(user=make_user(), paper=paper)
    refresh_papers([paper.pk])
    paper.refresh_from_db()
    assert paper.trending_score > 0
    old = Paper.objects.get(arxiv_id="2412.00006")
    Vote.objects.create(user=make_user("bob@example.org"), paper=old)
    refresh_papers([old.pk])
    refresh_recent()  # the scheduler's pass: the recent paper keeps its score
    old.refresh_from_db()
    assert old.trending_score == 0  # 37 days before the newest day: out of the window
    paper.refresh_from_db()
    assert paper.trending_score > 0


def test_a_submitted_old_paper_joins_the_latest_day_and_the_home_page_stays_on_it(
    client, quiet_week
):
    submission = submit_paper(make_user(), "2412.00006").submission
    assert submission.feed_day == LATEST
    body = client.get("/").content.decode()
    assert "Papers of Wednesday, 8 January 2025" in body
    assert set(listed(body)) >= {"2501.00001", "2501.00002", "2501.00003", "2412.00006"}


def test_for_you_still_has_papers_after_a_submission(quiet_week):
    submitter = make_user()
    submit_paper(submitter, "2412.00006")
    Vote.objects.create(user=submitter, paper=Paper.objects.get(arxiv_id="2501.00001"))
    assert len(recommend_for_user(submitter.pk, limit=10)) >= 4


def test_a_new_member_gets_papers_for_you_on_data_that_ended_long_ago(quiet_week):
    newcomer = make_user("new@example.org")
    browser = Client()
    browser.force_login(newcomer)
    body = browser.get("/for-you/").content.decode()
    assert len(set(listed(body)) & {"2501.00001", "2501.00002", "2501.00003"}) == 3


def test_a_cold_start_on_a_quiet_site_is_ranked_by_the_trending_fallback(quiet_week):
    picks = recommend_for_user(make_user("new@example.org").pk, limit=5)
    ids = dict(Paper.objects.values_list("pk", "arxiv_id"))
    assert [ids[pick.paper_id] for pick in picks] == [
        "2501.00003", "2501.00002", "2501.00001", "2501.00004", "2501.00005"
    ]  # fmt: skip


def test_a_fetched_paper_with_an_estimated_newer_day_does_not_move_the_site_to_it(
    client, quiet_week
):
    store_paper("2612.00007", date(2026, 12, 7))
    Paper.objects.filter(arxiv_id="2612.00007").update(announced_on_estimated=True)
    submission = submit_paper(make_user(), "2612.00007").submission
    assert submission.feed_day == LATEST
    body = client.get("/").content.decode()
    assert "Papers of Wednesday, 8 January 2025" in body and "2612.00007" in listed(body)
