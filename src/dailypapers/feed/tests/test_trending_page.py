"""The trending page: papers rising now across days."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dailypapers.feed.models import Curation
from dailypapers.lib import ranking
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enough_community_signal(monkeypatch):
    """These tests are about the community ranking: one scored paper is signal enough, so
    the fallback for quiet sites (test_trending_fallback.py) stays out of them."""
    monkeypatch.setattr(ranking, "MIN_COMMUNITY_PAPERS", 1)


def listed(body: str) -> list[str]:
    return re.findall(r'<a href="/papers/([^"]+)/">', body)


def scored(arxiv_id: str, day: date, score: float, **fields) -> Paper:
    store_paper(arxiv_id, day, **fields)
    Paper.objects.filter(arxiv_id=arxiv_id).update(trending_score=score)
    return Paper.objects.get(arxiv_id=arxiv_id)


def test_trending_orders_papers_of_any_day_by_score_and_leaves_out_unscored_ones(client):
    scored("2501.00001", date(2025, 1, 6), 0.5)
    scored("2501.00002", date(2025, 1, 8), 2.0)
    scored("2412.00003", date(2024, 12, 2), 1.0)
    scored("2501.00004", date(2025, 1, 8), 0.0)
    response = client.get("/trending/")
    assert response.status_code == 200
    assert listed(response.content.decode()) == ["2501.00002", "2412.00003", "2501.00001"]


def test_trending_explains_itself_with_a_link_to_the_about_page(client):
    body = client.get("/trending/").content.decode()
    assert 'href="/about/#trending"' in body
    assert "Nothing is trending right now" in body


def test_trending_leaves_out_papers_a_curator_hid(client):
    hidden = scored("2501.00001", date(2025, 1, 6), 3.0)
    scored("2501.00002", date(2025, 1, 6), 1.0)
    Curation.objects.create(paper=hidden, day=date(2025, 1, 6), state=Curation.HIDDEN)
    assert listed(client.get("/trending/").content.decode()) == ["2501.00002"]


def test_trending_can_be_narrowed_to_a_category_and_to_papers_with_code(client):
    scored("2501.00001", date(2025, 1, 6), 3.0, categories=["cs.CV"])
    scored("2501.00002", date(2025, 1, 6), 2.0, categories=["math.OC", "cs.LG"])
    scored("2501.00003", date(2025, 1, 6), 1.0, categories=["cs.LG"], abstract="github.com/a/b")
    assert listed(client.get("/trending/?category=cs.LG").content.decode()) == [
        "2501.00002",
        "2501.00003",
    ]
    assert listed(client.get("/trending/?category=cs.LG&code=1").content.decode()) == ["2501.00003"]
