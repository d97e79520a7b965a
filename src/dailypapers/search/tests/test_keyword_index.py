"""The embedded Tantivy keyword index: used only in step with the database, exact, same meaning."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.search import engine, keyword_build, keyword_index, keyword_tasks
from dailypapers.search.backends import sqlite_ranked
from dailypapers.search.backends.common import Filters
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="compared with FTS5")


@pytest.fixture
def index_on(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("KEYWORD_INDEX", "on")
    settings.DATA_DIR = tmp_path


def _corpus() -> None:
    store_paper("2501.00001", date(2025, 1, 6), title="Kalman filters for drones",
          abstract="Quadrotor state estimation with sensors.", authors=["Ada Lovelace"],
          categories=["cs.RO"])  # fmt: skip
    store_paper("2501.00002", date(2025, 1, 7), title="Kalman smoothing",
          abstract="Graph signals and sensors. Code: https://github.com/a/b",
          authors=["Alan Turing"], categories=["cs.LG", "stat.ML"])  # fmt: skip
    store_paper("2501.00003", date(2025, 1, 8), title="Particle filters", authors=["Alan Turing"],
          abstract="Sequential Monte Carlo for tracking drones.", categories=["cs.LG"])  # fmt: skip
    store_paper("2501.00004", None, title="Graph neural networks for molecules",
          abstract="Message passing on graphs.", categories=["cs.LG"])  # fmt: skip


def _ids(query: str, filters: Filters, use_index: bool) -> list[int]:
    parsed = parse(query)
    words = engine.meaningful_words(parsed)
    if use_index:
        found = keyword_index.search(connection, parsed, filters, words, 100, 0, False)
        assert found is not None, "the index should be in step"
    else:
        found = sqlite_ranked.search(connection, parsed, filters, words, 100, 0, False)
    return found.ids


@sqlite_only
def test_an_index_in_step_finds_the_same_papers_as_fts5_for_every_kind_of_query(index_on):
    _corpus()
    keyword_build.rebuild(connection)
    cases = [
        ("kalman drones", Filters()),
        ("kalman drones telescope", Filters()),
        ("sensors author:Turing", Filters()),
        ("filters -drones", Filters()),
        ('drones "particle filters"', Filters()),
        ("graph kalman", Filters(categories=("cs.LG",))),
        ("graph kalman", Filters(excluded_categories=("stat.ML",))),
        ("kalman filters graph", Filters(date_from=date(2025, 1, 7))),
        ("kalman filters graph", Filters(date_to=date(2025, 1, 7))),
        ("kalman filters graph", Filters(has_code=True)),
        ("filters -author:Lovelace", Filters()),
    ]
    for query, filters in cases:
        assert sorted(_ids(query, filters, True)) == sorted(_ids(query, filters, False)), query


def test_the_top_k_is_the_top_k_of_ranking_every_match(index_on):
    _corpus()
    keyword_build.rebuild(connection)
    opened = keyword_index._searcher(keyword_index.database_stamp(connection))
    parsed = parse("kalman filters drones graph")
    tantivy_query = keyword_index._query(opened.index, parsed, Filters(),
                                         engine.meaningful_words(parsed))  # fmt: skip
    every = opened.searcher.search(tantivy_query, 1000).hits
    top = opened.searcher.search(tantivy_query, 2).hits
    assert [address for _, address in top] == [address for _, address in every[:2]]
    assert arxiv_ids(engine.search("kalman filters drones").papers)[0] == "2501.00001"


def test_a_change_to_the_papers_puts_the_index_out_of_use_until_it_catches_up(
    index_on, django_capture_on_commit_callbacks
):
    _corpus()
    keyword_build.rebuild(connection)
    store_paper("2501.00005", title="Zygomorphic flowers")
    with django_capture_on_commit_callbacks() as callbacks:
        results = engine.search("zygomorphic")  # answered by the database, nothing missed
    assert arxiv_ids(results.papers) == ["2501.00005"]
    assert callbacks, "a rebuild is asked for"
    assert keyword_index.search(connection, parse("zygomorphic"), Filters(), ["zygomorphic"],
                                10, 0, False) is None  # fmt: skip
    assert keyword_tasks.rebuild_keyword_index.func() == 1  # the one changed paper, not all
    found = keyword_index.search(connection, parse("zygomorphic"), Filters(), ["zygomorphic"],
                                 10, 0, False)  # fmt: skip
    assert found is not None and arxiv_ids(found.ids) == ["2501.00005"]
    assert keyword_tasks.rebuild_keyword_index.func() == 0  # in step: nothing to do


def test_the_command_rebuilds_and_checks(index_on, capsys):
    _corpus()
    with pytest.raises(CommandError):
        call_command("keyword_index", "--check")
    call_command("keyword_index")
    call_command("keyword_index", "--check")
    assert "in step" in capsys.readouterr().out


def test_a_rebuild_is_skipped_while_another_holds_the_lock(index_on, settings):
    import fcntl

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.DATA_DIR / f"{keyword_index.FOLDER}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert keyword_build.rebuild(connection) is None


def test_off_means_fts5_answers(monkeypatch):
    monkeypatch.setenv("KEYWORD_INDEX", "off")
    assert not keyword_index.enabled(connection)
