"""Ranking quality on our relevance set: hybrid must never rank worse than keyword alone.

The corpus and queries are ours (tests/relevance/); the semantic vectors are the ones
all-MiniLM-L6-v2 gives them, saved by make_vectors.py, so this runs without PyTorch.
"""

from __future__ import annotations

import pytest
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.papers.models import Paper
from dailypapers.search import any_words, semantic
from dailypapers.search.backends.common import Filters
from dailypapers.search.embedding import embed_papers, pending_ids
from dailypapers.search.engine import search
from dailypapers.search.evaluation import Scores, evaluate, judgements
from dailypapers.search.tests.semantic_helpers import FixtureEmbedder, store_relevance_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded_corpus():
    store_relevance_corpus()
    embedder = FixtureEmbedder()
    with semantic.use_embedder(embedder):
        embed_papers(pending_ids(embedder.name), embedder)
        yield embedder


def scores(mode: str) -> Scores:
    def run(query: str) -> list[str]:
        results = search(query, mode=mode, per_page=10)
        assert not results.error, results.error
        assert results.mode == mode
        ids = dict(Paper.objects.filter(pk__in=results.papers).values_list("pk", "arxiv_id"))
        return [ids[pk] for pk in results.papers]

    return evaluate(run, judgements())


def test_the_relevance_set_has_forty_paraphrased_queries_or_more():
    assert len(judgements()) >= 40


def any_words_scores() -> Scores:
    def run(query: str) -> list[str]:
        ids = any_words.ranked_ids(connection, parse(query), Filters(), 10)
        by_pk = dict(Paper.objects.filter(pk__in=ids).values_list("pk", "arxiv_id"))
        return [by_pk[pk] for pk in ids]

    return evaluate(run, judgements())


def test_hybrid_ranks_no_worse_than_keyword_alone_on_the_relevance_set(embedded_corpus):
    hybrid = scores("hybrid")
    # Keyword search proper (every word) and BM25 over papers sharing some words.
    for keyword in (scores("keyword"), any_words_scores()):
        assert hybrid.mrr >= keyword.mrr, (keyword, hybrid)
        assert hybrid.recall >= keyword.recall, (keyword, hybrid)


def test_semantic_search_finds_most_paraphrased_papers_in_its_first_ten(embedded_corpus):
    assert scores("semantic").recall >= 0.8
