"""The semantic layer with the database: storing vectors, the `embed` command, the task after
ingest, semantic and hybrid search with filters, and what is said when it is off."""

from __future__ import annotations

from datetime import date
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dailypapers.papers.models import Paper
from dailypapers.search import semantic, vectors
from dailypapers.search.embedders import LexicalEmbedder
from dailypapers.search.embedding import embed_papers, pending_ids
from dailypapers.search.engine import search
from dailypapers.search.models import PaperEmbedding
from dailypapers.search.tasks import embed_paper_ids
from dailypapers.search.tests.semantic_helpers import FixtureEmbedder, store_relevance_corpus
from dailypapers.search.vector_index import from_bytes
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where `embed` saves the index
    vectors.forget()
    yield
    vectors.forget()


class CountingEmbedder(LexicalEmbedder):
    """The lexical embedder, counting the texts it was given (to see what was skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = "counting-lexical"
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().embed(texts)


def embed_command(*args: str) -> str:
    out = StringIO()
    call_command("embed", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_without_a_model_search_is_keyword_only_and_says_so(settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Graph networks")
    assert not semantic.semantic_enabled()
    assert "EMBEDDING_MODEL" in semantic.unavailable_reason()
    assert search("graph").mode == "keyword"
    asked = search("graph", mode="hybrid")
    assert asked.mode == "keyword" and arxiv_ids(asked.papers) == ["2501.00001"]
    assert any("Semantic search is off" in note for note in asked.notes)


def test_a_configured_model_that_cannot_load_stops_the_embed_command(settings, tmp_path):
    settings.EMBEDDING_MODEL = str(tmp_path / "missing-model")
    semantic._loaded.clear()
    try:
        assert not semantic.semantic_enabled()
        with pytest.raises(CommandError, match="missing-model"):
            embed_command()
    finally:
        semantic._loaded.clear()


def test_embed_without_a_model_stores_lexical_vectors_and_says_semantic_is_off(settings):
    settings.EMBEDDING_MODEL = ""
    store_paper("2501.00001", title="Graph networks")
    store_paper("2501.00002", title="Bird migration")
    out = embed_command()
    assert "semantic search: off" in out
    assert "2 papers embedded with lexical-hash-384" in out
    stored = PaperEmbedding.objects.get(paper__arxiv_id="2501.00001")
    vector = from_bytes(stored.vector, stored.dim)
    assert stored.model == "lexical-hash-384" and np.isclose(np.linalg.norm(vector), 1, atol=1e-3)
    assert "vectors: 2 of 2 papers" in embed_command("--status")


def test_embedding_resumes_where_it_stopped_and_skips_what_is_done():
    for number in range(1, 6):
        store_paper(f"2501.0000{number}", title=f"Paper number {number} about graphs")
    embedder = CountingEmbedder()
    with semantic.use_embedder(embedder):
        out = embed_command("--limit", "2", "--batch-size", "1", "--no-index")
        assert "2 papers embedded" in out and "3 still without a vector" in out
        embed_command("--batch-size", "2")
    assert len(embedder.texts) == 5  # none embedded twice
    assert PaperEmbedding.objects.filter(model="counting-lexical").count() == 5
    assert pending_ids("counting-lexical") == []


def test_a_changed_abstract_is_embedded_again_by_the_task_and_an_unchanged_one_is_not():
    paper = store_paper("2501.00001", title="Graphs", abstract="First words.")
    embedder = CountingEmbedder()
    with semantic.use_embedder(embedder):
        embed_paper_ids.call([paper.pk])
        embed_paper_ids.call([paper.pk])
        assert len(embedder.texts) == 1
        store_paper("2501.00001", title="Graphs", abstract="Other words.", version=2)
        embed_paper_ids.call([paper.pk])
    assert embedder.texts[-1] == "Graphs. Other words."


def test_vectors_for_gives_the_stored_unit_vectors_of_the_active_embedder():
    first = store_paper("2501.00001", title="Graphs")
    second = store_paper("2501.00002", title="Birds")
    embedder = CountingEmbedder()
    with semantic.use_embedder(embedder):
        embed_papers([first.pk], embedder)
        found = semantic.vectors_for([first.pk, second.pk])
    assert list(found) == [first.pk]
    assert found[first.pk].dtype == np.float32
    assert np.isclose(np.linalg.norm(found[first.pk]), 1.0, atol=1e-3)


@pytest.fixture
def minilm_corpus():
    store_relevance_corpus()
    embedder = FixtureEmbedder()
    with semantic.use_embedder(embedder):
        embed_papers(pending_ids(embedder.name), embedder)
        yield embedder


def test_semantic_search_finds_a_paper_worded_differently_from_the_query(minilm_corpus):
    results = search("summaries that invent facts not in the article", mode="semantic")
    assert results.mode == "semantic"
    assert arxiv_ids(results.papers)[0] == "2601.00004"


def test_hybrid_is_the_default_for_relevance_and_keyword_for_other_orders(minilm_corpus):
    assert search("summaries that invent facts").mode == "hybrid"
    assert search("summaries", sort="newest").mode == "keyword"
    assert search("author:Someone").mode == "keyword"
    assert search("summaries -news", mode="semantic").mode == "keyword"


def test_semantic_and_hybrid_results_obey_every_filter(minilm_corpus):
    for mode in ("semantic", "hybrid"):
        results = search(
            "training neural networks", mode=mode, category="cs.CV", has_code=True,
            date_from=date(2026, 1, 7), date_to=date(2026, 1, 12), per_page=100,
        )  # fmt: skip
        papers = Paper.objects.filter(pk__in=results.papers)
        assert papers.count() == len(results.papers) > 0
        for paper in papers:
            assert "cs.CV" in paper.categories.split() and paper.has_code
            assert date(2026, 1, 7) <= paper.announced_on <= date(2026, 1, 12)


def test_a_deleted_paper_never_comes_back_from_the_vector_index(minilm_corpus):
    query = "summaries that invent facts not in the article"
    assert arxiv_ids(search(query, mode="semantic").papers)[0] == "2601.00004"
    Paper.objects.filter(arxiv_id="2601.00004").delete()  # the index still holds its vector
    assert "2601.00004" not in arxiv_ids(search(query, mode="semantic").papers)
    assert "2601.00004" not in arxiv_ids(search(query, mode="hybrid").papers)


def test_hybrid_pages_do_not_overlap_and_highlight_words_they_contain(minilm_corpus):
    first = search("graph networks", mode="hybrid", per_page=5)
    second = search("graph networks", mode="hybrid", per_page=5, page=2)
    assert len(first.papers) == 5 and not set(first.papers) & set(second.papers)
    assert any("<mark>" in snippet for snippet in first.snippets.values())


def test_new_vectors_reach_the_index_without_a_restart(minilm_corpus):
    index = semantic.index()
    paper = store_paper("2601.09999", title="Hide most of an image and learn to fill it in")
    lexical = LexicalEmbedder()
    lexical.name, lexical.dim = minilm_corpus.name, minilm_corpus.dim
    embed_papers([paper.pk], lexical)  # any vector of the right model will do
    assert semantic.index() is not index
    assert semantic.index().vector_of(paper.pk) is not None


def test_ordering_by_meaning_puts_the_nearest_first_and_papers_without_a_vector_last(
    minilm_corpus,
):
    unembedded = store_paper("2601.09998", title="Not embedded yet").pk
    nearest = Paper.objects.get(arxiv_id="2601.00004").pk
    others = list(
        Paper.objects.exclude(pk__in=[nearest, unembedded]).values_list("pk", flat=True)[:5]
    )
    given = [unembedded, *others, nearest]
    ordered = semantic.order_by_meaning("summaries that invent facts not in the article", given)
    assert ordered[0] == nearest and ordered[-1] == unembedded
    assert sorted(ordered) == sorted(given)


def test_a_query_about_nothing_in_the_collection_finds_nothing_by_meaning(minilm_corpus):
    assert search("banana bread recipe", mode="semantic").papers == []


def test_the_next_page_of_a_search_does_not_run_the_model_again(minilm_corpus):
    calls = minilm_corpus.calls
    search("graph networks", mode="hybrid", per_page=5)
    search("graph networks", mode="hybrid", per_page=5, page=2)
    search("graph networks", mode="hybrid", per_page=5, category="cs.LG")
    assert minilm_corpus.calls == calls + 1


def test_papers_changed_by_an_ingest_are_embedded_by_a_task_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.EMBEDDING_MODEL = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    paper = store_paper("2501.00001", title="Graph networks")
    from dailypapers.search.tasks import enqueue_embedding

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_embedding([paper.pk, paper.pk])
        assert not PaperEmbedding.objects.exists()  # nothing before the commit
    assert PaperEmbedding.objects.get().paper_id == paper.pk
