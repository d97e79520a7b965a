"""Moving through the feed: days skipping empty ones, ISO weeks, months, and bad addresses."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Submission
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


def submit(arxiv_id: str, feed_day: date) -> None:
    member = User.objects.create_user(f"{arxiv_id}@example.org", "pw-12345-long")
    paper = Paper.objects.get(arxiv_id=arxiv_id)
    Submission.objects.create(paper=paper, submitted_by=member, feed_day=feed_day)


def test_previous_and_next_day_skip_days_without_papers(client):
    store_paper("2501.00001", date(2025, 1, 3))  # Friday
    store_paper("2501.00002", date(2025, 1, 6))  # Monday: the weekend in between is empty
    store_paper("2501.00003", date(2025, 1, 9))
    body = client.get("/day/2025-01-06/").content.decode()
    assert 'rel="prev" href="/day/2025-01-03/"' in body
    assert 'rel="next" href="/day/2025-01-09/"' in body


def test_a_day_with_only_a_member_submission_is_reachable_and_lists_it(client):
    store_paper("2412.00001", date(2024, 12, 2))
    store_paper("2501.00002", date(2025, 1, 6))
    submit("2412.00001", date(2025, 1, 4))  # a Saturday: no arXiv announcement
    body = client.get("/day/2025-01-06/").content.decode()
    assert 'rel="prev" href="/day/2025-01-04/"' in body
    saturday = client.get("/day/2025-01-04/").content.decode()
    assert "Paper 2412.00001" in saturday and "Paper 2501.00002" not in saturday


def test_home_is_the_newest_announcement_day_even_after_a_later_submission_day(client):
    store_paper("2501.00001", date(2025, 1, 6))
    store_paper("2412.00009", date(2024, 12, 2))
    submit("2412.00009", date(2025, 1, 7))  # stored before submissions joined the latest day
    body = client.get("/").content.decode()
    assert "Papers of Monday, 6 January 2025" in body
    assert "Paper 2501.00001" in body
    assert 'rel="next" href="/day/2025-01-07/"' in body


def test_a_site_with_only_submitted_papers_opens_on_its_newest_submission_day(client):
    store_paper("2412.00009", None)
    submit("2412.00009", date(2025, 1, 7))
    assert "Papers of Tuesday, 7 January 2025" in client.get("/").content.decode()


def test_a_day_links_its_iso_week_and_its_month(client):
    store_paper("2501.00001", date(2025, 1, 6))
    body = client.get("/day/2025-01-06/").content.decode()
    assert 'href="/week/2025-W02/"' in body
    assert 'href="/month/2025-01/"' in body


def test_week_page_lists_monday_to_sunday_and_links_the_nearest_weeks_with_papers(client):
    store_paper("2602.00001", date(2026, 2, 20))  # week 8
    store_paper("2602.00002", date(2026, 2, 23))  # Monday of week 9
    store_paper("2603.00003", date(2026, 3, 1))  # Sunday of week 9
    store_paper("2603.00004", date(2026, 3, 12))  # week 11; week 10 is empty
    response = client.get("/week/2026-W09/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Papers of week 9, 2026" in body
    assert "Paper 2602.00002" in body and "Paper 2603.00003" in body
    assert "Paper 2602.00001" not in body and "Paper 2603.00004" not in body
    assert 'rel="prev" href="/week/2026-W08/"' in body
    assert 'rel="next" href="/week/2026-W11/"' in body


def test_month_page_lists_the_calendar_month_and_skips_empty_months(client):
    store_paper("2511.00001", date(2025, 11, 28))
    store_paper("2601.00002", date(2026, 1, 1))
    store_paper("2601.00003", date(2026, 1, 31))
    store_paper("2603.00004", date(2026, 3, 2))
    body = client.get("/month/2026-01/").content.decode()
    assert "Papers of January 2026" in body
    assert "Paper 2601.00002" in body and "Paper 2601.00003" in body
    assert "Paper 2511.00001" not in body and "Paper 2603.00004" not in body
    assert 'rel="prev" href="/month/2025-11/"' in body
    assert 'rel="next" href="/month/2026-03/"' in body


def test_an_empty_week_says_so_and_still_offers_navigation(client):
    store_paper("2601.00001", date(2026, 1, 5))
    body = client.get("/week/2026-W05/").content.decode()
    assert "No papers were announced in this week" in body
    assert 'rel="prev" href="/week/2026-W02/"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/week/2025-W53/",  # 2025 has 52 ISO weeks
        "/week/2026-W00/",
        "/week/2026-W54/",
        "/week/2026-W9/",  # weeks take two digits
        "/week/0000-W01/",
        "/month/2026-13/",
        "/month/2026-00/",
        "/month/2026-1/",
        "/month/0000-01/",
        "/day/2025-13-1/",
        "/day/2025-2-29/",
        "/day/0-1-1/",
        "/day/99999-1-1/",
        "/day/99999999999999999999999-1-1/",
        "/day/2025-99999999999999999999999-1/",
    ],
)
def test_impossible_weeks_months_and_days_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_53rd_week_exists_in_years_that_have_one(client):
    assert client.get("/week/2020-W53/").status_code == 200


def test_days_weeks_and_months_that_have_not_come_yet_are_not_found(client):
    later = date.today().year + 2
    for url in (f"/day/{later}-01-05/", f"/week/{later}-W02/", f"/month/{later}-01/"):
        assert client.get(url).status_code == 404, url


def test_moving_between_days_keeps_the_chosen_sort_and_filters(client):
    store_paper("2501.00001", date(2025, 1, 6))
    store_paper("2501.00002", date(2025, 1, 7), categories=["cs.LG"])
    body = client.get("/day/2025-01-07/?sort=newest&category=cs.LG&code=1").content.decode()
    assert 'rel="prev" href="/day/2025-01-06/?sort=newest&amp;category=cs.LG&amp;code=1"' in body


def test_an_unpadded_day_address_redirects_to_the_one_address_of_that_day(client):
    response = client.get("/day/2025-1-6/?sort=newest")
    assert response.status_code == 301
    assert response["Location"] == "/day/2025-01-06/?sort=newest"
    assert client.get("/day/2025-2-30/").status_code == 404
