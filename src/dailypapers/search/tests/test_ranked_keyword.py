"""Keyword search ranks papers holding any of the words; on SQLite its pruned top k is exact."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.search import engine
from dailypapers.search.backends import sqlite_fts as fts
from dailypapers.search.backends import sqlite_ranked
from dailypapers.search.backends.common import Filters
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db

_WORDS = "kalman graph neural sparse bandit quantum lattice protein diffusion spectral tensor"
VOCABULARY = [*_WORDS.split(), "robust", "causal", "manifold", "kernel"]


def _corpus(papers: int, seed: int = 7) -> None:
    chance = random.Random(seed)
    for number in range(1, papers + 1):
        # Zipf-like: early words are common, late ones rare, so pruning has work to do.
        def words(count: int) -> str:
            return " ".join(
                VOCABULARY[min(int(chance.paretovariate(0.8)) - 1, len(VOCABULARY) - 1)]
                for _ in range(count)
            )

        store_paper(
            f"2501.{number:05d}",
            day=date(2025, 1, 1 + number % 28),
            title=words(chance.randint(1, 4)),
            abstract=words(chance.randint(3, 30)),
            categories=["cs.LG" if number % 3 else "cs.CV"],
        )


def _reference(query: str, filters: Filters, wanted: int) -> list[int]:
    """FTS5's bm25 over every match of the full expression: no pruning, no LIMIT."""
    parsed = parse(query)
    words = engine.meaningful_words(parsed)
    optional = sqlite_ranked.optional_parts(parsed, words)
    required, excluded = sqlite_ranked._required(parsed, filters)
    full = sqlite_ranked._expression(optional, required, excluded)
    backend = fts.SqliteBackend(connection)
    with connection.cursor() as cursor:
        ranked = sqlite_ranked._ranked(backend, cursor, full, filters, 1_000_000)
    return [pk for _, pk, _ in ranked[:wanted]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's pruned ranking")
@pytest.mark.parametrize("budget", [1, 50, 10**9])
def test_the_pruned_top_k_is_the_top_k_of_ranking_every_match(monkeypatch, budget):
    monkeypatch.setattr(sqlite_ranked, "FIRST_BUDGET", budget)
    _corpus(150)
    queries = [
        "kalman graph",
        "graph neural kernel manifold",
        "kalman graph neural sparse bandit",
        "manifold kernel causal",
        "graph -kernel",
        '"graph neural" kalman spectral',
        "kalman quantum protein",
    ]
    for query in queries:
        for filters in (Filters(), Filters(categories=("cs.LG",)), Filters(has_code=False)):
            for per_page, page in ((10, 1), (5, 3)):
                category = filters.categories[0] if filters.categories else None
                found = engine.search(query, category=category, has_code=filters.has_code,
                                      per_page=per_page, page=page)  # fmt: skip
                wanted = _reference(query, filters, per_page * page)
                assert found.papers == wanted[per_page * (page - 1) :], (query, filters, page)


def test_a_paper_with_one_rare_word_of_several_is_found():
    store_paper("2501.00001", title="Three memory tiers for hosting many expert models")
    store_paper("2501.00002", title="Poetry", abstract="Rhymes.")
    found = engine.search("accelerator with three memory tiers for hosting experts at once")
    assert arxiv_ids(found.papers) == ["2501.00001"] and not found.error


def test_hyphenated_words_typed_without_quotes_rank_instead_of_being_required():
    store_paper("2501.00001", title="Material curves in a rough velocity ensemble",
                abstract="Spontaneous stochasticity of Lagrangian trajectories.")  # fmt: skip
    store_paper("2501.00002", title="White noise", abstract="Signals.")
    found = arxiv_ids(
        engine.search("spontaneous stochasticity in a rough white-noise ensemble").papers
    )
    # PostgreSQL ranks candidates from the rarer words only (postgres_ranked.py).
    assert found == ["2501.00001", "2501.00002"][: 2 if connection.vendor == "sqlite" else 1]
    assert arxiv_ids(engine.search('stochasticity "white noise"').papers) == ["2501.00002"]


def test_the_words_as_a_phrase_rank_above_the_same_words_apart():
    store_paper("2501.00001", title="Memory in networks", abstract="Graph attention and more.")
    store_paper("2501.00002", title="Graph attention networks", abstract="Memory too.")
    assert arxiv_ids(engine.search("graph attention memory networks").papers)[0] == "2501.00002"


def test_required_parts_keep_their_meaning_among_ranked_words():
    store_paper(
        "2501.00001", title="Kalman filters", authors=["Ada Lovelace"], categories=["cs.RO"]
    )
    store_paper(
        "2501.00002", title="Kalman smoothing", authors=["Alan Turing"], categories=["cs.LG"]
    )
    store_paper(
        "2501.00003", title="Particle filters", authors=["Alan Turing"], categories=["cs.LG"]
    )

    def ids(query: str) -> list[str]:
        return sorted(arxiv_ids(engine.search(query).papers))

    assert ids("kalman particle") == ["2501.00001", "2501.00002", "2501.00003"]
    assert ids("kalman particle author:Turing") == ["2501.00002", "2501.00003"]
    assert ids("kalman particle cat:cs.RO") == ["2501.00001"]
    assert ids("kalman particle -smoothing") == ["2501.00001", "2501.00003"]
    assert ids('filters "kalman smoothing"') == ["2501.00002"]
    assert ids("kalman OR particle") == ["2501.00001", "2501.00002", "2501.00003"]


def test_only_stop_words_get_a_message_and_no_search():
    store_paper("2501.00001", title="The use of the method")
    found = engine.search("the of with and")
    assert "too common" in found.error and not found.searched


def test_no_papers_match_only_when_no_word_matches():
    store_paper("2501.00001", title="Kalman filters")
    assert engine.search("zygomorphic flowers").total == 0
    assert engine.search("zygomorphic kalman").total == 1


def test_a_paper_with_no_known_day_is_outside_a_range_with_only_an_end():
    store_paper("2501.00001", date(2025, 1, 6), title="Kalman filters")
    store_paper("2501.00002", None, title="Kalman smoothing")
    found = engine.search("kalman", date_to=date(2025, 1, 31))
    assert arxiv_ids(found.papers) == ["2501.00001"]
    assert arxiv_ids(engine.search("kalman", date_to=date(2025, 1, 31), sort="newest").papers) == [
        "2501.00001"
    ]
