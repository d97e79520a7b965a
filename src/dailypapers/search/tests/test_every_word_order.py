"""Hybrid search's every-word ranking on SQLite: BM25 while it is cheap, else the order given.

FTS5's BM25 first counts every paper holding each word of the query; in a million papers
that costs more than the rest of a hybrid search, so past a budget (or past the ranked
window) the backend orders the matches with the function hybrid search hands it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.search.backends import sqlite_fts as fts
from dailypapers.search.backends.common import Filters, Found
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="an FTS5 behaviour"),
]


def stored_papers() -> None:
    # Oldest first; the title match ranks 2501.00002 first by BM25.
    store_paper("2501.00001", date(2025, 1, 6), title="Sparse graphs", abstract="Graph coloring.")
    store_paper("2501.00002", date(2025, 1, 7), title="Graph coloring", abstract="Graph coloring.")
    store_paper("2501.00003", date(2025, 1, 8), title="Poetry", abstract="Coloring graph books.")
    store_paper("2501.00004", date(2025, 1, 9), title="Poetry", abstract="Rhymes only.")


def every_word(query: str, given: list[list[int]], **options: object) -> Found:
    def order(ids: list[int]) -> list[int]:
        given.append(list(ids))
        return sorted(ids)  # oldest first: an order neither BM25 nor newest-first gives

    backend = fts.SqliteBackend(connection)
    return backend.search(parse(query), Filters(), "relevance", 10, 0, False, order, **options)


def test_every_word_matches_keep_bm25_order_while_counting_their_words_is_cheap():
    stored_papers()
    given: list[list[int]] = []
    found = every_word("graph coloring", given)
    assert given == []
    assert arxiv_ids(found.ids)[0] == "2501.00002" and found.total == 3


def test_every_word_matches_take_the_given_order_when_bm25_would_count_too_many(monkeypatch):
    stored_papers()
    monkeypatch.setattr(fts, "BM25_COUNT_BUDGET", 2)  # "graph" alone is in three papers
    given: list[list[int]] = []
    found = every_word("graph coloring", given)
    assert len(given) == 1 and len(given[0]) == 3
    assert arxiv_ids(found.ids) == ["2501.00001", "2501.00002", "2501.00003"]
    assert found.total == 3 and found.ranked_window == 0


def test_past_the_ranked_window_only_the_newest_matches_are_ordered(monkeypatch):
    stored_papers()
    monkeypatch.setattr(fts, "RANK_WINDOW", 2)
    given: list[list[int]] = []
    found = every_word("graph coloring", given)
    assert [arxiv_ids(ids) for ids in given] == [["2501.00003", "2501.00002"]]
    assert arxiv_ids(found.ids) == ["2501.00002", "2501.00003"]
    assert found.total == 3 and found.ranked_window == 2
