"""The "any words" ranking inside hybrid search, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.search import any_words
from dailypapers.search.backends import postgres_ranked, sqlite_ranked
from dailypapers.search.backends.common import Filters
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db


def ranked(query: str, filters: Filters = Filters()) -> list[str]:  # noqa: B008
    return arxiv_ids(any_words.ranked_ids(connection, parse(query), filters, 10))


def test_a_paper_with_only_some_of_the_words_is_found_and_more_shared_words_rank_higher():
    store_paper("2501.00001", title="Kalman filters for drones", abstract="Quadrotor state.")
    store_paper("2501.00002", title="Kalman filters", abstract="Tracking.")
    store_paper("2501.00003", title="Poetry", abstract="Rhymes.")
    found = ranked("kalman quadrotor telescope")
    assert found[0] == "2501.00001" and set(found) == {"2501.00001", "2501.00002"}


def test_stop_words_alone_rank_nothing():
    store_paper("2501.00001", title="The use of the method")
    assert ranked("the of with") == []


def test_words_too_common_for_the_budget_are_left_out(monkeypatch):
    store_paper("2501.00001", title="Graph networks", abstract="Rare zygomorphic flowers.")
    store_paper("2501.00002", title="Graph theory", abstract="Nothing else.")
    if connection.vendor == "postgresql":  # its word frequencies come from ANALYZE
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE papers_paper")
        monkeypatch.setattr(postgres_ranked, "_common", {})
    monkeypatch.setattr(sqlite_ranked, "MATCH_BUDGET", 1)
    monkeypatch.setattr(postgres_ranked, "MATCH_BUDGET", 1)
    assert ranked("graph zygomorphic") == ["2501.00001"]


def test_filters_apply_including_an_excluded_category():
    store_paper("2501.00001", date(2025, 1, 6), title="Kalman filters", categories=["cs.RO"])
    store_paper("2501.00002", date(2025, 1, 6), title="Kalman smoothing", categories=["cs.LG"])
    store_paper("2501.00003", date(2024, 1, 6), title="Kalman gains", categories=["cs.LG"])
    without_robotics = ranked("kalman", Filters(excluded_categories=("cs.RO",)))
    assert sorted(without_robotics) == ["2501.00002", "2501.00003"]
    assert ranked("kalman", Filters(categories=("cs.LG",), date_from=date(2025, 1, 1))) == [
        "2501.00002"
    ]
    assert ranked("kalman", Filters(has_code=True)) == []


def test_a_word_whose_stem_stems_again_differently_is_still_found():
    # porter: "sparse" -> "spars" -> "spar"; the index holds "spars".
    store_paper("2501.00001", title="Sparse coding", abstract="Dictionaries.")
    assert ranked("sparse dictionaries") == ["2501.00001"]
    assert ranked("sparse") == ["2501.00001"]
