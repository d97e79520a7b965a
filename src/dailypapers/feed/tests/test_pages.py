"""The minimal reading pages: latest day, any day, a paper."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Signed-out pages are cached by path; one test's page must not answer the next."""
    cache.clear()
    yield
    cache.clear()


def store(arxiv_id: str, day: date | None, **fields) -> None:
    values = {
        "title": f"Paper {arxiv_id}",
        "abstract": "An abstract.",
        "authors": ["Ada Lovelace"],
        "categories": ["cs.LG"],
    }
    values.update(fields)
    record = PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)
    ingest([record], IngestReport(source="test"))


def test_home_shows_the_latest_announcement_day_with_a_link_to_the_previous_day(client):
    store("2501.00001", date(2025, 1, 6))
    store("2501.00002", date(2025, 1, 8))
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Papers of Wednesday, 8 January 2025" in body
    assert "Paper 2501.00002" in body and "Paper 2501.00001" not in body
    assert 'href="/day/2025-1-6/"' in body


def test_day_page_lists_that_day_and_links_both_neighbours(client):
    for arxiv_id, day in [("2501.00001", 6), ("2501.00002", 7), ("2501.00003", 9)]:
        store(arxiv_id, date(2025, 1, day))
    body = client.get("/day/2025-1-7/").content.decode()
    assert "Paper 2501.00002" in body
    assert 'rel="prev" href="/day/2025-1-6/"' in body
    assert 'rel="next" href="/day/2025-1-9/"' in body


def test_an_empty_day_says_so_and_still_offers_navigation(client):
    store("2501.00001", date(2025, 1, 6))
    body = client.get("/day/2025-1-7/").content.decode()
    assert "No papers were announced on this day" in body
    assert 'rel="prev"' in body


def test_an_empty_database_explains_how_to_import_papers(client):
    body = client.get("/").content.decode()
    assert "No papers yet" in body and "dailypapers ingest" in body


def test_paper_page_shows_what_is_stored_with_arxiv_links(client):
    store(
        "2501.00001",
        date(2025, 1, 6),
        title="Faster $O(n^2)$ sorting",
        doi="10.1000/xyz",
        abstract="Code: https://github.com/a/b",
        version=2,
    )
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Faster O(n²) sorting" in body
    assert "https://arxiv.org/abs/2501.00001" in body
    assert "https://arxiv.org/pdf/2501.00001" in body
    assert "2501.00001v2" in body
    assert 'href="https://doi.org/10.1000/xyz"' in body
    assert 'href="https://github.com/a/b"' in body


def test_old_style_and_versioned_ids_reach_the_paper_page(client):
    store("hep-th/9901001", date(1999, 1, 4))
    assert client.get("/papers/hep-th/9901001/").status_code == 200
    assert client.get("/papers/hep-th/9901001v3/").status_code == 200


def test_unknown_paper_gives_a_helpful_404(client):
    response = client.get("/papers/2501.99999/")
    assert response.status_code == 404
    assert "Go to the latest papers" in response.content.decode()


def test_impossible_date_gives_404(client):
    assert client.get("/day/2025-2-30/").status_code == 404
