"""/api/v1/search (the site's search engine), /api/v1/papers/{id}/related, search BibTeX."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.testing.factories import make_member, make_submission, store_detailed_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    store_detailed_paper("2501.00001", title="Sparse attention for long documents",
                         categories=["cs.CL"], abstract="We make attention sparse.")  # fmt: skip
    store_detailed_paper("2501.00002", title="Dense retrieval with sparse attention",
                         categories=["cs.IR"], day=date(2025, 1, 9),
                         abstract="Code at https://github.com/ada/dense")  # fmt: skip
    store_detailed_paper("2501.00003", title="Protein folding", categories=["q-bio.BM"])


def test_search_finds_papers_by_their_words_with_highlights(client, library):
    response = client.get("/api/v1/search", {"q": "sparse attention"})

    assert response.status_code == 200
    body = response.json()
    assert {item["arxiv_id"] for item in body["items"]} == {"2501.00001", "2501.00002"}
    assert body["total"] == 2 and body["next_cursor"] is None
    snippets = {item["arxiv_id"]: item["snippet"] for item in body["items"]}
    assert "<mark>sparse</mark>" in snippets["2501.00001"]
    assert body["bibtex_url"].startswith("http://testserver/search/bibtex?")
    assert response["Access-Control-Allow-Origin"] == "*" and response["ETag"]


def test_a_page_of_search_results_costs_the_same_queries_however_many_were_submitted(client):
    ada = make_member()

    def queries_for(term: str, month: int, count: int) -> int:
        for n in range(count):
            make_submission(
                store_detailed_paper(
                    f"25{month:02d}.{n + 1:05d}", title=f"Studies of {term} number {n}"
                ),
                ada,
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/search", {"q": term})
        items = response.json()["items"]
        assert len(items) == count and all(item["submission"]["submitted_by"] for item in items)
        return len(queries)

    assert queries_for("walruses", 2, 1) == queries_for("narwhals", 3, 6)


def test_search_filters_by_category_dates_and_code(client, library):
    def ids(**params):
        response = client.get("/api/v1/search", {"q": "sparse", **params})
        assert response.status_code == 200, response.content
        return [item["arxiv_id"] for item in response.json()["items"]]

    assert ids(category="cs.IR") == ["2501.00002"]
    assert ids(**{"from": "2025-01-09"}) == ["2501.00002"]
    assert ids(to="2025-01-08") == ["2501.00001"]
    assert ids(has_code="true") == ["2501.00002"]


def test_search_pages_with_a_cursor_until_the_end(client):
    for number in range(1, 6):
        store_detailed_paper(f"2501.0000{number}", title=f"Graph networks part {number}")
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params = {"q": "graph", "sort": "newest", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/search", params).json()
        seen += [item["arxiv_id"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert sorted(seen) == [f"2501.0000{n}" for n in range(1, 6)] and len(set(seen)) == 5
    assert cursor is None


def test_a_cursor_of_another_search_is_refused(client, library):
    first = client.get("/api/v1/search", {"q": "sparse", "limit": 1}).json()
    response = client.get("/api/v1/search", {"q": "protein", "limit": 1,
                                             "cursor": first["next_cursor"]})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_query_the_search_cannot_read_is_a_400_saying_why(client, library):
    response = client.get("/api/v1/search", {"q": "sparse", "category": "cs.LG!"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_query"
    assert "not an arXiv category" in response.json()["error"]["message"]


def test_the_hugging_face_search_uses_the_search_engine(client, library):
    # The engine ranks by words anywhere, not by a substring of the title.
    response = client.get("/api/papers/search", {"q": "attention sparse"})
    assert response.status_code == 200
    assert {item["paper"]["id"] for item in response.json()} == {"2501.00001", "2501.00002"}


def test_related_papers_share_authors_first(client):
    store_detailed_paper("2501.00001", authors=["Ada Lovelace"])
    store_detailed_paper("2501.00002", authors=["Ada Lovelace", "Grace Hopper"])
    store_detailed_paper("2501.00003", authors=["Someone Else"], categories=["math.CO"])

    response = client.get("/api/v1/papers/2501.00001v1/related")

    assert response.status_code == 200
    body = response.json()
    assert body["paper"] == "2501.00001"
    assert body["items"][0]["arxiv_id"] == "2501.00002"
    assert "2501.00001" not in [item["arxiv_id"] for item in body["items"]]


def test_related_papers_of_an_unknown_paper_is_404(client):
    response = client.get("/api/v1/papers/2501.09999/related")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "paper_not_found"


def test_a_page_of_search_results_downloads_as_bibtex(client, library):
    url = client.get("/api/v1/search", {"q": "sparse", "sort": "newest"}).json()["bibtex_url"]

    response = client.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-bibtex")
    assert 'filename="search.bib"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.count("@misc{") == 2 and "eprint = {2501.00002}" in text
    assert text.index("2501.00002") < text.index("2501.00001")  # newest first, as asked


def test_search_bibtex_with_a_bad_parameter_is_a_plain_400(client, library):
    response = client.get("/search/bibtex", {"q": "sparse", "from": "yesterday"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_keyword_mode_can_be_asked_for_and_is_reported(client, library):
    body = client.get("/api/v1/search", {"q": "sparse", "mode": "keyword"}).json()
    assert body["mode"] == "keyword"
    assert {item["arxiv_id"] for item in body["items"]} == {"2501.00001", "2501.00002"}
    assert "mode=keyword" in body["bibtex_url"]


def test_an_unknown_mode_is_a_400(client, library):
    response = client.get("/api/v1/search", {"q": "sparse", "mode": "telepathy"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
