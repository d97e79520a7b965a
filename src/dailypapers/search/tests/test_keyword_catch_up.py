"""The keyword index follows the change log: it catches up by the papers changed since its
sequence, is never used while behind (even after a crash mid-way), and rebuilds only when the
log no longer reaches back to it. On SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection

from dailypapers.lib.query import parse
from dailypapers.papers.models import Paper
from dailypapers.search import engine, keyword_build, keyword_index, keyword_log, keyword_tasks
from dailypapers.search.backends.common import Filters
from dailypapers.search.models import KeywordChange
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_on(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("KEYWORD_INDEX", "on")
    settings.DATA_DIR = tmp_path


def _found(query: str) -> list[str] | None:
    """The index's answer, or None when it is not in step (the database answers then)."""
    parsed = parse(query)
    found = keyword_index.search(connection, parsed, Filters(), engine.meaningful_words(parsed),
                                 10, 0, False)  # fmt: skip
    return None if found is None else arxiv_ids(found.ids)


def _corpus() -> None:
    store_paper("2501.00001", title="Kalman filters for drones", abstract="Quadrotor sensors.")
    store_paper("2501.00002", title="Particle filters", abstract="Monte Carlo tracking.")


def test_every_change_to_a_papers_text_is_logged_in_its_own_transaction():
    before = keyword_log.last(connection.cursor())
    paper = store_paper("2501.00001", title="Kalman filters")
    Paper.objects.filter(pk=paper.pk).update(title="Kalman smoothers")
    Paper.objects.filter(pk=paper.pk).delete()
    logged = list(KeywordChange.objects.filter(seq__gt=before).values_list("paper_id", flat=True))
    assert logged == [paper.pk, paper.pk, paper.pk]


def test_a_write_that_changes_no_searchable_text_is_not_logged():
    paper = store_paper("2501.00001", title="Kalman filters")
    before = keyword_log.last(connection.cursor())
    Paper.objects.filter(pk=paper.pk).update(title="Kalman filters", upvote_count=5)
    assert keyword_log.last(connection.cursor()) == before


def test_a_catch_up_adds_changes_and_deletes_papers_by_id(index_on):
    _corpus()
    keyword_build.rebuild(connection)
    assert _found("kalman") == ["2501.00001"]
    store_paper("2501.00003", title="Zygomorphic flowers", abstract="Petals.")
    Paper.objects.filter(arxiv_id="2501.00001").update(title="Extended smoothers for drones")
    Paper.objects.filter(arxiv_id="2501.00002").delete()
    assert _found("zygomorphic") is None, "behind the log: not used"
    assert keyword_build.catch_up(connection)[:2] == ("caught up", 3)
    assert _found("zygomorphic") == ["2501.00003"]
    assert _found("kalman") == []
    assert _found("smoothers") == ["2501.00001"]
    assert _found("particle") == []
    assert keyword_build.catch_up(connection) == ("in step", 0, 0.0)


def test_a_crash_between_the_index_commit_and_its_stamp_never_serves_stale_results(
    index_on, monkeypatch
):
    _corpus()
    keyword_build.rebuild(connection)
    store_paper("2501.00003", title="Zygomorphic flowers")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("the process dies here")

    monkeypatch.setattr(keyword_build, "_write_stamp", crash)
    with pytest.raises(KeyboardInterrupt):
        keyword_build.catch_up(connection)
    monkeypatch.undo()
    monkeypatch.setenv("KEYWORD_INDEX", "on")
    keyword_index.forget()
    assert _found("zygomorphic") is None  # the stamp still names the older sequence
    assert engine.search("zygomorphic").papers != []  # the database answers meanwhile
    assert keyword_build.catch_up(connection)[:2] == ("caught up", 1)  # applied again
    assert _found("zygomorphic") == ["2501.00003"]
    assert _found("kalman") == ["2501.00001"], "applying a change twice adds the paper once"


def test_a_crash_before_the_index_commit_leaves_the_index_behind_until_the_next_catch_up(
    index_on, monkeypatch
):
    _corpus()
    keyword_build.rebuild(connection)
    store_paper("2501.00003", title="Zygomorphic flowers")
    monkeypatch.setattr(keyword_build, "_add", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        keyword_build.catch_up(connection)
    monkeypatch.undo()
    monkeypatch.setenv("KEYWORD_INDEX", "on")
    assert _found("zygomorphic") is None
    keyword_build.catch_up(connection)
    assert _found("zygomorphic") == ["2501.00003"]


def test_an_index_behind_what_the_log_still_holds_is_rebuilt_whole(index_on, monkeypatch):
    _corpus()
    keyword_build.rebuild(connection)
    monkeypatch.setattr(keyword_log, "KEEP", 0)
    for number in range(3, 6):
        store_paper(f"2501.0000{number}", title=f"Zygomorphic flowers {number}")
    keyword_log.prune(connection, keyword_log.last(connection.cursor()))
    assert keyword_build.catch_up(connection)[:2] == ("rebuilt", 5)
    assert len(_found("zygomorphic")) == 3


def test_a_missing_or_unreadable_index_is_rebuilt_whole(index_on):
    _corpus()
    assert keyword_build.catch_up(connection)[:2] == ("rebuilt", 2)
    (keyword_index.folder() / keyword_index.STAMP_FILE).write_text("{not json")
    keyword_index.forget()
    assert _found("kalman") is None
    assert keyword_build.catch_up(connection)[:2] == ("rebuilt", 2)
    assert _found("kalman") == ["2501.00001"]


def test_an_import_queues_the_catch_up_and_the_search_then_uses_the_index(
    index_on, settings, django_capture_on_commit_callbacks
):
    from dailypapers.testing.factories import import_paper

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _corpus()
    keyword_build.rebuild(connection)
    with django_capture_on_commit_callbacks(execute=True):
        import_paper("2501.00003", title="Zygomorphic flowers")
    assert _found("zygomorphic") == ["2501.00003"]
    assert keyword_tasks.rebuild_keyword_index.func() == 0


def test_pruning_keeps_the_changes_an_index_a_little_behind_needs(monkeypatch):
    monkeypatch.setattr(keyword_log, "KEEP", 2)
    for number in range(1, 7):
        store_paper(f"2501.0000{number}")
    cursor = connection.cursor()
    last = keyword_log.last(cursor)
    keyword_log.prune(connection, last)
    assert keyword_log.can_catch_up(cursor, last - 3)
    assert not keyword_log.can_catch_up(cursor, last - 5)


def test_with_the_index_off_the_task_keeps_the_log_short(monkeypatch):
    monkeypatch.setattr(keyword_log, "KEEP", 1)
    for number in range(1, 5):
        store_paper(f"2501.0000{number}")
    assert keyword_tasks.rebuild_keyword_index.func() == 0
    assert KeywordChange.objects.count() == 2  # the boundary row and the last


def test_with_the_index_off_an_import_keeps_the_log_short(monkeypatch):
    from dailypapers.testing.factories import import_paper

    monkeypatch.setattr(keyword_log, "KEEP", 1)
    for number in range(1, 5):
        import_paper(f"2501.0000{number}")
    assert KeywordChange.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a table rebuild drops SQLite triggers")
def test_triggers_a_table_rebuild_dropped_are_put_back_after_migrate():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {keyword_log.SQLITE_TRIGGERS[0]}")
    assert keyword_log.repair(connection)
    assert not keyword_log.repair(connection)  # all there now
    before = keyword_log.last(connection.cursor())
    store_paper("2501.00001")
    assert keyword_log.last(connection.cursor()) > before
