"""What a day's feed holds and in which order: sorts, filters, submissions, curation."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Curation, Submission
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db
DAY = date(2025, 1, 8)
DAY_URL = "/day/2025-01-08/"


def listed(body: str) -> list[str]:
    """The arXiv ids of the listed papers, in page order."""
    return re.findall(r'<a href="/papers/([^"]+)/">', body)


def text(body: str) -> str:
    """The page as a reader hears it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def paper_with(arxiv_id: str, day: date = DAY, **counters) -> Paper:
    store_paper(arxiv_id, day)
    Paper.objects.filter(arxiv_id=arxiv_id).update(**counters)
    return Paper.objects.get(arxiv_id=arxiv_id)


@pytest.fixture
def three_papers() -> None:
    paper_with("2501.00001", upvote_count=5, trending_score=0.1)
    paper_with("2501.00002", upvote_count=5, trending_score=0.9)
    paper_with("2501.00003", upvote_count=9, trending_score=0.2)


def test_a_day_is_sorted_by_upvotes_then_trending_by_default(client, three_papers):
    body = client.get(DAY_URL).content.decode()
    assert listed(body) == ["2501.00003", "2501.00002", "2501.00001"]


def test_sort_by_trending_puts_the_highest_score_first(client, three_papers):
    body = client.get(DAY_URL + "?sort=trending").content.decode()
    assert listed(body) == ["2501.00002", "2501.00003", "2501.00001"]


def test_sort_by_newest_puts_the_latest_announcement_first(client):
    store_paper("2501.00001", date(2025, 1, 6))
    store_paper("2501.00002", date(2025, 1, 7))
    store_paper("2501.00003", date(2025, 1, 8))
    body = client.get("/week/2025-W02/?sort=newest").content.decode()
    assert listed(body) == ["2501.00003", "2501.00002", "2501.00001"]


def test_an_unknown_sort_falls_back_to_the_default(client, three_papers):
    response = client.get(DAY_URL + "?sort=drop-table")
    assert response.status_code == 200
    assert listed(response.content.decode()) == ["2501.00003", "2501.00002", "2501.00001"]


def test_the_category_filter_matches_primary_and_cross_listed_papers(client):
    store_paper("2501.00001", DAY, categories=["cs.LG"])
    store_paper("2501.00002", DAY, categories=["stat.ML", "cs.LG"])  # cross-listed to cs.LG
    store_paper("2501.00003", DAY, categories=["cs.CV"])
    body = client.get(DAY_URL + "?category=cs.LG").content.decode()
    assert sorted(listed(body)) == ["2501.00001", "2501.00002"]


def test_a_malformed_category_is_ignored_rather_than_an_error(client):
    store_paper("2501.00001", DAY)
    response = client.get(DAY_URL + "?category=%27%3B--")
    assert response.status_code == 200
    assert listed(response.content.decode()) == ["2501.00001"]


def test_the_has_code_filter_keeps_only_papers_with_code_links(client):
    store_paper("2501.00001", DAY, abstract="Code at https://github.com/a/b")
    store_paper("2501.00002", DAY)
    body = client.get(DAY_URL + "?code=1").content.decode()
    assert listed(body) == ["2501.00001"]
    assert 'href="https://github.com/a/b"' in body


def test_filters_that_match_nothing_say_so_and_offer_the_unfiltered_day(client):
    store_paper("2501.00001", DAY)
    body = client.get(DAY_URL + "?code=1").content.decode()
    assert "No papers of this day match these filters" in body
    assert f'href="{DAY_URL}">Show all papers of this day' in body


def test_a_paper_submitted_by_a_member_appears_on_its_feed_day_with_the_submitter(client):
    store_paper("2412.00001", date(2024, 12, 2))
    store_paper("2501.00002", DAY)
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada")
    old = Paper.objects.get(arxiv_id="2412.00001")
    Submission.objects.create(paper=old, submitted_by=member, feed_day=DAY)
    body = client.get(DAY_URL).content.decode()
    assert sorted(listed(body)) == ["2412.00001", "2501.00002"]
    assert f'submitted by <a href="/u/{member.handle}/">Ada</a>' in body


def test_a_paper_hidden_by_a_curator_is_left_out_of_that_day_only(client):
    hidden = paper_with("2501.00001")
    paper_with("2501.00002")
    Curation.objects.create(paper=hidden, day=DAY, state=Curation.HIDDEN)
    Curation.objects.create(paper=hidden, day=date(2025, 1, 9), state=Curation.FEATURED)
    assert listed(client.get(DAY_URL).content.decode()) == ["2501.00002"]


def test_a_featured_paper_comes_first_with_a_badge_whatever_the_sort(client, three_papers):
    featured = Paper.objects.get(arxiv_id="2501.00001")  # the fewest votes and lowest score
    Curation.objects.create(paper=featured, day=DAY, state=Curation.FEATURED)
    for sort in ("upvotes", "trending", "newest"):
        body = client.get(f"{DAY_URL}?sort={sort}").content.decode()
        assert listed(body)[0] == "2501.00001", sort
    assert body.count('<span class="badge">Featured</span>') == 1


def test_a_feed_item_shows_three_authors_and_counts_the_rest(client):
    store_paper("2501.00001", DAY, authors=["A One", "B Two", "C Three", "D Four", "E Five"])
    body = client.get(DAY_URL).content.decode()
    assert "A One, B Two, C Three +2 more" in body and "D Four" not in body


def test_a_feed_item_shows_categories_votes_comments_and_the_abstract(client):
    long_abstract = "We study sorting. " * 30 + "The end."
    store_paper("2501.00001", DAY, categories=["cs.DS", "cs.LG"], abstract=long_abstract)
    Paper.objects.filter(arxiv_id="2501.00001").update(upvote_count=7, comment_count=3)
    body = client.get(DAY_URL).content.decode()
    assert 'href="/categories/cs.DS/"' in body and 'href="/categories/cs.LG/"' in body
    assert "7 upvotes" in text(body)
    assert 'href="/papers/2501.00001/#comments">3 comments</a>' in body
    assert '<details class="abstract">' in body and "The end." in body


def test_long_days_are_paginated_and_pages_keep_the_filters(client):
    for number in range(1, 53):
        store_paper(f"2501.{number:05d}", DAY)
    first = client.get(DAY_URL + "?sort=newest").content.decode()
    assert len(listed(first)) == 50
    assert 'href="?sort=newest&amp;page=2">Next page' in first
    second = client.get(DAY_URL + "?sort=newest&page=2").content.decode()
    assert listed(second) == ["2501.00002", "2501.00001"]


def test_long_lists_sort_ids_first_yet_keep_the_same_order_and_badges(client, monkeypatch):
    monkeypatch.setattr("dailypapers.feed.discovery.services.listing.NARROW_SORT_ABOVE", 1)
    paper_with("2501.00001", upvote_count=5, trending_score=0.1)
    paper_with("2501.00002", upvote_count=5, trending_score=0.9)
    paper_with("2501.00003", upvote_count=9, trending_score=0.2)
    featured = Paper.objects.get(arxiv_id="2501.00001")
    Curation.objects.create(paper=featured, day=DAY, state=Curation.FEATURED)
    body = client.get(DAY_URL).content.decode()
    assert listed(body) == ["2501.00001", "2501.00003", "2501.00002"]
    assert body.count('<span class="badge">Featured</span>') == 1
