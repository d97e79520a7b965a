"""Rough edges of the paper page and the site: versions that don't exist, long author lists,
saying what related papers are based on, and robots.txt."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.papers.models import Paper
from dailypapers.search import semantic, vectors
from dailypapers.search.embedding import embed_papers, pending_ids
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_version() -> Paper:
    store_paper("2501.00001", date(2025, 1, 6), version=3)
    return Paper.objects.get(arxiv_id="2501.00001")


def test_a_version_after_the_newest_one_is_not_found(client, third_version):
    assert client.get("/papers/2501.00001v9/").status_code == 404
    assert client.get("/papers/2501.00001v4/").status_code == 404
    assert client.get("/papers/2501.00001v0/").status_code == 404


def test_an_existing_version_leads_to_the_papers_one_address(client, third_version):
    for version in (1, 3):
        response = client.get(f"/papers/2501.00001v{version}/")
        assert response.status_code == 301 and response["Location"] == "/papers/2501.00001/"
    assert client.get("/papers/2501.00001/").status_code == 200


def test_a_version_of_a_paper_we_do_not_have_is_not_found(client):
    assert client.get("/papers/2501.00009v1/").status_code == 404


def test_twenty_one_authors_show_twenty_and_offer_the_one_more(client):
    store_paper("2501.00001", date(2025, 1, 6), authors=[f"Author Number{n}" for n in range(21)])
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Show 1 more author</summary>" in body
    assert "Show all 21" not in body


def test_twenty_authors_show_without_a_disclosure(client):
    store_paper("2501.00001", date(2025, 1, 6), authors=[f"Author Number{n}" for n in range(20)])
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Author Number19" in body and "<details" not in body.split('class="authors"')[1][:200]
    assert "more author" not in body


def test_twenty_five_authors_offer_five_more(client):
    store_paper("2501.00001", date(2025, 1, 6), authors=[f"Author Number{n}" for n in range(25)])
    assert "Show 5 more authors</summary>" in client.get("/papers/2501.00001/").content.decode()


@pytest.fixture
def neighbours() -> None:
    store_paper("2501.00001", date(2025, 1, 6), title="Kalman filters for drone navigation")
    store_paper("2501.00002", date(2025, 1, 6), title="Drone navigation with Kalman filters")


def test_related_papers_before_any_embedding_say_how_the_operator_improves_them(
    client, neighbours, settings
):
    settings.EMBEDDING_MODEL = ""
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Related by shared authors and category only" in body
    assert "<code>dailypapers embed</code>" in body


def test_related_papers_by_word_vectors_say_they_share_words_only(
    client, neighbours, settings, tmp_path
):
    settings.EMBEDDING_MODEL = ""
    settings.DATA_DIR = tmp_path
    vectors.forget()
    embedder = semantic.active_embedder()
    embed_papers(pending_ids(embedder.name), embedder)
    try:
        body = client.get("/papers/2501.00001/").content.decode()
    finally:
        vectors.forget()
    assert "Related by shared words only" in body
    assert "<code>EMBEDDING_MODEL</code>" in body and "<code>dailypapers embed</code>" in body


def test_robots_txt_welcomes_the_feed_and_keeps_crawlers_off_private_and_query_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "max-age=86400" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for private in ("/admin/", "/accounts/", "/search/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert not any(line in ("Disallow: /", "Disallow: /papers/") for line in lines)
