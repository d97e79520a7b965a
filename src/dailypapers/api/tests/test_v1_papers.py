"""/api/v1/papers and /api/v1/authors: one paper, one author, and the error format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.feed.discovery.services.papers import bibtex_for
from dailypapers.papers.models import Author
from dailypapers.testing.factories import (
    make_member,
    make_submission,
    set_counters,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db


def test_a_paper_reads_back_what_is_stored_about_it(client):
    paper = store_detailed_paper(
        "2501.00001",
        title="Sparse attention",
        authors=["Ada Lovelace", "Grace Hopper"],
        categories=["cs.LG", "stat.ML"],
        doi="10.1000/xyz",
        journal_ref="J. Things 1 (2025)",
        comments="12 pages",
        version=3,
        abstract="See https://github.com/ada/sparse for code.",
    )
    set_counters(paper, upvote_count=7, comment_count=2, trending_score=1.5)
    ada = make_member()
    make_submission(paper, ada)

    response = client.get("/api/v1/papers/2501.00001")

    assert response.status_code == 200
    body = response.json()
    assert body["arxiv_id"] == "2501.00001"
    assert body["title"] == "Sparse attention"
    assert body["authors"] == ["Ada Lovelace", "Grace Hopper"]
    assert [a["name"] for a in body["author_profiles"]] == ["Ada Lovelace", "Grace Hopper"]
    hopper = Author.objects.get(name="Grace Hopper")
    assert body["author_profiles"][1]["url"] == f"http://testserver/authors/{hopper.pk}/"
    assert body["categories"] == ["cs.LG", "stat.ML"]
    assert body["primary_category"] == "cs.LG"
    assert body["announced_on"] == "2025-01-08"
    assert body["version"] == 3
    assert (body["upvotes"], body["comments"], body["trending_score"]) == (7, 2, 1.5)
    assert body["code_links"] == ["https://github.com/ada/sparse"] and body["has_code"] is True
    assert body["doi"] == "10.1000/xyz" and body["journal_ref"] == "J. Things 1 (2025)"
    assert body["arxiv_comments"] == "12 pages"
    assert body["url"] == "http://testserver/papers/2501.00001/"
    assert body["arxiv_url"] == "https://arxiv.org/abs/2501.00001"
    assert body["pdf_url"] == "https://arxiv.org/pdf/2501.00001"
    assert body["submission"]["submitted_by"] == {"id": ada.pk, "name": "Ada", "handle": "ada"}
    assert body["submission"]["feed_day"] == "2025-01-08"
    assert body["bibtex"] == bibtex_for(paper)
    assert body["bibtex_url"] == "http://testserver/papers/2501.00001/bibtex"


def test_a_versioned_or_old_style_id_finds_the_paper(client):
    store_detailed_paper("2501.00001")
    store_detailed_paper("hep-th/9901001", categories=["hep-th"])
    assert client.get("/api/v1/papers/2501.00001v2").json()["arxiv_id"] == "2501.00001"
    assert client.get("/api/v1/papers/hep-th/9901001").json()["arxiv_id"] == "hep-th/9901001"


def test_an_unknown_paper_is_a_404_in_the_error_format(client):
    response = client.get("/api/v1/papers/2501.99999")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "paper_not_found", "message": "No paper 2501.99999 is stored here."}
    }
    assert response["Access-Control-Allow-Origin"] == "*"


def test_something_that_is_no_arxiv_id_is_a_404_too(client):
    response = client.get("/api/v1/papers/not-an-id")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "paper_not_found"


def test_a_paper_without_submission_says_so_with_null(client):
    store_detailed_paper("2501.00001")
    assert client.get("/api/v1/papers/2501.00001").json()["submission"] is None


def test_an_author_lists_their_papers_newest_first(client):
    store_detailed_paper("2501.00001", day=datetime(2025, 1, 6, tzinfo=UTC).date())
    store_detailed_paper("2501.00002")
    store_detailed_paper("2501.00003", authors=["Someone Else"])
    ada = Author.objects.get(name="Ada Lovelace")

    body = client.get(f"/api/v1/authors/{ada.pk}").json()

    assert body["author"] == {
        "id": ada.pk,
        "name": "Ada Lovelace",
        "url": f"http://testserver/authors/{ada.pk}/",
    }
    assert [item["arxiv_id"] for item in body["items"]] == ["2501.00002", "2501.00001"]
    assert body["next_cursor"] is None


def test_an_unknown_author_is_a_404_in_the_error_format(client):
    response = client.get("/api/v1/authors/424242")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "author_not_found"
