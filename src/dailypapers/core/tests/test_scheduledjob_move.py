"""ScheduledJob moved from papers to core in the migration state only: the rows stay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dailypapers.core.models import ScheduledJob

BEFORE_THE_MOVE = ("papers", "0002_searchrel_title_doi_indexes")
THE_MOVE = ("papers", "0003_scheduledjob_moved_to_core")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh one reads what is applied now


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_the_job_table_survive_the_move_to_core():
    executor = _migrate([("core", None)])
    try:
        assert THE_MOVE not in executor.loader.applied_migrations
        old_apps = executor.loader.project_state([BEFORE_THE_MOVE], at_end=True).apps
        old_apps.get_model("papers", "ScheduledJob").objects.create(name="kept", next_run_at=NOW)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert ScheduledJob.objects.get(name="kept").next_run_at == NOW
    assert ScheduledJob._meta.db_table == "papers_scheduledjob"
