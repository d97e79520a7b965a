"""The index follows the papers table by itself: ingest inserts, updates and deletes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from dailypapers.papers.models import Paper
from dailypapers.search.backends import postgres_fts, sqlite_fts_schema
from dailypapers.search.engine import search
from dailypapers.testing.factories import arxiv_ids, store_paper

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return arxiv_ids(search(query).papers)


def test_a_paper_ingested_in_a_batch_is_found_at_once():
    store_paper("2501.00001", title="Quantum annealing schedules", authors=["Ada Lovelace"])
    assert found("annealing") == ["2501.00001"]
    assert found("author:Lovelace") == ["2501.00001"]


def test_a_newer_version_with_a_new_title_is_found_by_the_new_title_only():
    store_paper("2501.00001", title="Quantum annealing schedules", version=1)
    store_paper("2501.00001", title="Adiabatic optimisation schedules", version=2)
    assert found("annealing") == []
    assert found("adiabatic") == ["2501.00001"]
    assert found("schedules") == ["2501.00001"]  # still indexed once, not twice


def test_new_authors_and_abstract_of_a_new_version_replace_the_old_ones():
    store_paper("2501.00001", authors=["Ada Lovelace"], abstract="Old method.", version=1)
    store_paper("2501.00001", authors=["Alan Turing"], abstract="New approach.", version=2)
    assert found("author:Lovelace") == [] and found("method") == []
    assert found("author:Turing") == ["2501.00001"] and found("approach") == ["2501.00001"]


def test_votes_and_scores_changing_do_not_disturb_the_index():
    store_paper("2501.00001", title="Quantum annealing schedules")
    Paper.objects.filter(arxiv_id="2501.00001").update(upvote_count=3, trending_score=1.5)
    assert found("annealing") == ["2501.00001"]


def test_a_changed_announcement_day_or_code_flag_moves_the_paper_in_results():
    store_paper("2501.00001", day=date(2025, 1, 6), title="Sparse coding")
    store_paper("2501.00002", day=date(2025, 1, 7), title="Sparse coding")
    Paper.objects.filter(arxiv_id="2501.00001").update(announced_on=date(2025, 1, 9))
    assert arxiv_ids(search("sparse", sort="newest").papers) == ["2501.00001", "2501.00002"]
    assert found_in_range("sparse", date(2025, 1, 9)) == ["2501.00001"]
    Paper.objects.filter(arxiv_id="2501.00002").update(has_code=True)
    assert arxiv_ids(search("sparse", has_code=True).papers) == ["2501.00002"]


def found_in_range(query: str, day: date) -> list[str]:
    return arxiv_ids(search(query, date_from=day, date_to=day).papers)


def test_a_deleted_paper_is_gone_from_the_results():
    store_paper("2501.00001", title="Quantum annealing schedules")
    store_paper("2501.00002", title="Quantum annealing in practice")
    Paper.objects.filter(arxiv_id="2501.00001").delete()
    assert found("annealing") == ["2501.00002"]


def test_installing_the_index_indexes_the_papers_already_stored():
    store_paper("2501.00001", title="Quantum annealing schedules", authors=["Balázs Szegedy"])
    backend = sqlite_fts_schema if connection.vendor == "sqlite" else postgres_fts
    backend.uninstall(connection)
    backend.install(connection)
    assert found("annealing") == ["2501.00001"]
    assert found("author:Balázs") == ["2501.00001"]


def test_on_sqlite_a_migrate_puts_back_triggers_a_table_rebuild_dropped():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its generated column through any table change")
    store_paper("2501.00001", title="Quantum annealing schedules")
    with connection.cursor() as cursor:
        for trigger in sqlite_fts_schema.TRIGGERS:  # what dropping papers_paper in a rebuild does
            cursor.execute(f"DROP TRIGGER {trigger}")
    store_paper("2501.00002", title="Annealing without triggers", day=date(2025, 1, 7))
    call_command("migrate", verbosity=0)
    assert sorted(found("annealing")) == ["2501.00001", "2501.00002"]
    store_paper("2501.00003", title="Annealing with triggers again")
    assert len(found("annealing")) == 3


def test_the_sqlite_index_passes_its_own_integrity_check_after_changes():
    if connection.vendor != "sqlite":
        pytest.skip("an FTS5 check")
    store_paper("2501.00001", title="Quantum annealing", authors=["Balázs Szegedy", "A. N. Other"])
    store_paper("2501.00001", title="Quantum tunnelling", authors=["Z. Z. Top"], version=2)
    store_paper("2501.00002", title="Spin glasses")
    Paper.objects.filter(arxiv_id="2501.00002").delete()
    table = sqlite_fts_schema.FTS_TABLE
    with connection.cursor() as cursor:  # raises if the index and its stored text disagree
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == Paper.objects.count()
