"""A bulk import leaves the keyword index exactly in step with the papers it stored.

On SQLite the import indexes each batch's new papers in one statement instead of through
the insert trigger (see search/backends/sqlite_fts_schema.py); these tests hold it to the same
result as the trigger, including when a batch fails half-way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction

from dailypapers.papers.ingest import upsert
from dailypapers.papers.ingest.jsonl import import_jsonl
from dailypapers.papers.models import Paper
from dailypapers.search.backends import sqlite_fts_schema
from dailypapers.search.engine import search
from dailypapers.testing import factories
from dailypapers.testing.factories import arxiv_ids

pytestmark = pytest.mark.django_db


def kaggle_line(arxiv_id: str, title: str, version: int = 1, authors: str = "Ada Lovelace") -> str:
    versions = [
        {"version": f"v{n}", "created": f"Mon, {n} Jun 2025 10:00:00 GMT"}
        for n in range(1, version + 1)
    ]
    return factories.kaggle_line(
        arxiv_id,
        title,
        authors=authors,
        abstract=f"We study {title.lower()}.",
        categories="cs.LG stat.ML",
        versions=versions,
    )


def write_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def found(query: str) -> list[str]:
    return sorted(arxiv_ids(search(query).papers))


def assert_index_matches_papers() -> None:
    """Every paper indexed once, under the rowid the triggers would give it, and no other."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's search column is computed by the database on every write
    table = sqlite_fts_schema.FTS_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        cursor.execute(f"SELECT rowid FROM {table} ORDER BY rowid")
        indexed = [rowid for (rowid,) in cursor.fetchall()]
        cursor.execute(f"SELECT {sqlite_fts_schema._rowid('p')} FROM papers_paper p ORDER BY 1")
        expected = [rowid for (rowid,) in cursor.fetchall()]
    assert indexed == expected


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()} & set(sqlite_fts_schema.TRIGGERS)


def test_every_paper_of_a_bulk_import_is_found_and_indexed_once(tmp_path, settings):
    settings.INGEST_BATCH_SIZE = 3  # several batches, each indexed at its end
    lines = [kaggle_line(f"2506.{n:05d}", f"Graph sampling part {n}") for n in range(1, 9)]
    report = import_jsonl(write_file(tmp_path / "a.jsonl", lines))
    assert report.new == 8
    assert len(found("sampling")) == 8
    assert found("author:Lovelace") == [f"2506.{n:05d}" for n in range(1, 9)]
    assert_index_matches_papers()


def test_a_newer_version_in_a_later_import_replaces_the_indexed_text(tmp_path):
    import_jsonl(write_file(tmp_path / "v1.jsonl", [kaggle_line("2506.00001", "Graph sampling")]))
    newer = kaggle_line("2506.00001", "Spectral clustering", version=2, authors="Alan Turing")
    report = import_jsonl(write_file(tmp_path / "v2.jsonl", [newer]))
    assert (report.new, report.updated) == (0, 1)
    assert found("sampling") == [] and found("author:Lovelace") == []
    assert found("clustering") == ["2506.00001"] and found("author:Turing") == ["2506.00001"]
    assert_index_matches_papers()


def test_new_and_updated_papers_in_one_batch_are_both_indexed_right(tmp_path):
    import_jsonl(write_file(tmp_path / "a.jsonl", [kaggle_line("2506.00001", "Graph sampling")]))
    lines = [
        kaggle_line("2506.00001", "Spectral clustering", version=2),
        kaggle_line("2506.00002", "Graph sampling revisited"),
    ]
    report = import_jsonl(write_file(tmp_path / "b.jsonl", lines))
    assert (report.new, report.updated) == (1, 1)
    assert found("sampling") == ["2506.00002"]
    assert found("clustering") == ["2506.00001"]
    assert_index_matches_papers()


def test_reimporting_the_same_file_leaves_the_index_as_it_was(tmp_path):
    lines = [kaggle_line(f"2506.{n:05d}", f"Graph sampling part {n}") for n in range(1, 4)]
    path = write_file(tmp_path / "a.jsonl", lines)
    import_jsonl(path)
    report = import_jsonl(path)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 3)
    assert len(found("sampling")) == 3
    assert_index_matches_papers()


@pytest.mark.django_db(transaction=True)  # real transactions, as in production
def test_an_import_that_fails_leaves_the_triggers_and_the_index_as_they_were(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the triggers are SQLite's")
    import_jsonl(write_file(tmp_path / "a.jsonl", [kaggle_line("2506.00001", "Graph sampling")]))

    def disk_full(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(upsert, "write_links", disk_full)
    lines = [kaggle_line("2506.00002", "Graph sampling again")]
    with pytest.raises(RuntimeError):
        import_jsonl(write_file(tmp_path / "b.jsonl", lines), parallel=False)
    monkeypatch.undo()

    assert installed_triggers() == set(sqlite_fts_schema.TRIGGERS)
    assert found("sampling") == ["2506.00001"]
    assert_index_matches_papers()
    # The insert trigger works again for a paper stored outside the ingest.
    Paper.objects.create(arxiv_id="2506.00003", title="Graph sampling by hand", abstract="")
    assert found("sampling") == ["2506.00001", "2506.00003"]
    assert_index_matches_papers()


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_deferred_indexing_refuses_to_run_outside_a_transaction():
    if connection.vendor != "sqlite":
        pytest.skip("the triggers are SQLite's")
    with pytest.raises(RuntimeError, match="transaction"):  # noqa: SIM117 - the error is on entry
        with sqlite_fts_schema.indexing_inserts_at_end(connection):
            pass
    assert installed_triggers() == set(sqlite_fts_schema.TRIGGERS)


def test_inside_the_deferred_block_the_insert_trigger_is_away_and_comes_back_after():
    if connection.vendor != "sqlite":
        pytest.skip("the triggers are SQLite's")
    with transaction.atomic(), sqlite_fts_schema.indexing_inserts_at_end(connection) as to_index:
        assert sqlite_fts_schema.TRIGGERS[0] not in installed_triggers()
        paper = Paper.objects.create(arxiv_id="2506.00009", title="Lattice sieving", abstract="")
        to_index.append(paper.pk)
    assert installed_triggers() == set(sqlite_fts_schema.TRIGGERS)
    assert found("sieving") == ["2506.00009"]
    assert_index_matches_papers()
