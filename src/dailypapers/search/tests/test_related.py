"""Related papers on the paper page: nearest vectors, boosted by shared categories and
authors; papers without a vector fall back to shared authors and category."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.feed.queries import related_papers
from dailypapers.search import semantic, vectors
from dailypapers.search.embedding import embed_papers, pending_ids
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where `embed` saves the index
    vectors.forget()
    yield
    vectors.forget()


def embed_all() -> None:
    embedder = semantic.active_embedder()
    embed_papers(pending_ids(embedder.name), embedder)


def related_ids(arxiv_id: str, limit: int = 5) -> list[str]:
    from dailypapers.papers.models import Paper

    return [paper.arxiv_id for paper in related_papers(Paper.objects.get(arxiv_id=arxiv_id),
                                                       limit=limit)]  # fmt: skip


def test_without_a_model_related_papers_are_those_sharing_distinctive_words(settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Kalman filters for drone navigation",
          abstract="State estimation of quadrotors with inertial sensors.")  # fmt: skip
    store_paper("2501.00002", title="Drone navigation with inertial sensors and Kalman filters",
          authors=["Someone Else"])  # fmt: skip
    store_paper("2501.00003", title="Poetry generation", abstract="Rhymes and meter.")
    store_paper("2501.00004", title="Protein folding", abstract="Amino acids in three dimensions.")
    embed_all()
    assert semantic.active_embedder().name == "lexical-hash-384"
    assert related_ids("2501.00001")[0] == "2501.00002"
    assert "2501.00001" not in related_ids("2501.00001")


def test_among_equally_close_papers_shared_authors_come_first(settings):
    settings.EMBEDDING_MODEL = ""
    text = {"title": "Sparse attention", "abstract": "Sparse attention patterns."}
    store_paper("2501.00001", authors=["Ada Lovelace"], **text)
    store_paper("2501.00002", authors=["Somebody Else"], **text)
    store_paper("2501.00003", authors=["Ada Lovelace"], **text)
    embed_all()
    assert related_ids("2501.00002", limit=2) != related_ids("2501.00001", limit=2)
    assert related_ids("2501.00001", limit=1) == ["2501.00003"]


def test_a_paper_without_a_vector_gets_papers_by_its_authors_then_its_category():
    store_paper("2501.00001", date(2025, 1, 6), authors=["Ada Lovelace"])
    store_paper("2501.00002", date(2025, 1, 2), authors=["Ada Lovelace", "Charles Babbage"])
    store_paper("2501.00003", date(2025, 1, 8), authors=["Someone Else"])
    assert related_ids("2501.00001") == ["2501.00002", "2501.00003"]


def test_the_paper_page_lists_papers_related_by_their_vectors(client, settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Kalman filters for drone navigation")
    store_paper("2501.00002", title="Drone navigation using Kalman filters", authors=["B. Other"])
    store_paper("2501.00003", title="Poetry generation", authors=["C. Other"])
    embed_all()
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Related papers" in body
    first_link = body.index('<a href="/papers/2501.00002/">')
    assert first_link < body.find('<a href="/papers/2501.00003/">') or (
        '<a href="/papers/2501.00003/">' not in body
    )


def test_without_a_model_a_shared_rare_word_outweighs_shared_common_ones(settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Quasar spectra", abstract="Quasar spectra in a galaxy survey.")
    store_paper("2501.00002", title="A catalogue of quasars", abstract="Quasars.",
                authors=["B. Other"])  # fmt: skip
    store_paper("2501.00003", title="Galaxy survey", abstract="A galaxy survey.",
                authors=["C. Other"])  # fmt: skip
    for n in range(4, 12):
        store_paper(f"2501.{n:05d}", title=f"Galaxy survey {n}", abstract="Galaxy survey data.",
                    authors=[f"D. Other{n}"])  # fmt: skip
    embed_all()
    assert related_ids("2501.00001")[0] == "2501.00002"
