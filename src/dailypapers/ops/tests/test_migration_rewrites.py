"""Migrations that change rows say which tables, and those over big tables work in batches.

Every migration module with a RunPython or RunSQL operation declares ``REWRITES_TABLES``:
the tables whose rows (or storage) it rewrites, ``[]`` when it only touches its own new
objects. When one of them grows with the papers (BIG_TABLES), the module also declares
``BATCH_SIZE`` (rows per batch: the code must loop over the table in that many rows at a
time, so an upgrade of a 100,000-paper site neither holds every row in memory nor one lock
for minutes) or, for a single statement the database runs itself, ``UNBATCHED_REASON``.
The README's "Upgrading" paragraph says so to operators.
"""

from __future__ import annotations

import sys
from types import ModuleType

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

# Tables whose size follows the number of papers (or of members times papers).
BIG_TABLES = frozenset(
    {
        "papers_paper",
        "papers_author",
        "papers_paperauthor",
        "papers_papercategory",
        "search_paperembedding",
        "search_paper_fts",
        "feed_vote",
        "feed_comment",
        "feed_collectionitem",
        "digests_delivery",
        "digests_sentpaper",
        "mail_queuedemail",
    }
)


def _changes_rows(operations: list[Operation]) -> bool:
    for operation in operations:
        if isinstance(operation, migrations.RunPython | migrations.RunSQL):
            return True
        if isinstance(operation, migrations.SeparateDatabaseAndState) and _changes_rows(
            operation.database_operations
        ):
            return True
    return False


def problems(module: ModuleType, operations: list[Operation]) -> list[str]:
    """What ``module`` (a migration) fails to declare; empty when it follows the rule."""
    if not _changes_rows(operations):
        return []
    name = module.__name__
    tables = getattr(module, "REWRITES_TABLES", None)
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        return [f"{name}: runs RunPython/RunSQL but declares no REWRITES_TABLES = [...]"]
    big = sorted(set(tables) & BIG_TABLES)
    if not big:
        return []
    batch = getattr(module, "BATCH_SIZE", None)
    reason = getattr(module, "UNBATCHED_REASON", None)
    if (isinstance(batch, int) and batch > 0) or (isinstance(reason, str) and reason.strip()):
        return []
    return [f"{name}: rewrites {', '.join(big)} but declares no BATCH_SIZE (or UNBATCHED_REASON)"]


def _our_migrations() -> list[tuple[ModuleType, list[Operation]]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        (sys.modules[type(migration).__module__], migration.operations)
        for (app, _), migration in sorted(loader.disk_migrations.items())
        if type(migration).__module__.startswith("dailypapers.")
    ]


def test_every_migration_that_changes_rows_declares_its_tables_and_batches():
    found = _our_migrations()
    assert len(found) >= 15
    assert [line for module, operations in found for line in problems(module, operations)] == []


def _module(**declared: object) -> ModuleType:
    module = ModuleType("dailypapers.papers.migrations.0099_example")
    module.__dict__.update(declared)
    return module


def _noop(apps: object, schema_editor: object) -> None:
    return None


RUN_PYTHON = [migrations.RunPython(_noop)]


@pytest.mark.parametrize(
    ("declared", "operations", "complaint"),
    [
        ({}, RUN_PYTHON, "declares no REWRITES_TABLES"),
        ({}, [migrations.RunSQL("UPDATE papers_paper SET doi = ''")], "no REWRITES_TABLES"),
        ({"REWRITES_TABLES": ["papers_paper"]}, RUN_PYTHON, "no BATCH_SIZE"),
        ({"REWRITES_TABLES": ["papers_paper"], "BATCH_SIZE": 0}, RUN_PYTHON, "no BATCH_SIZE"),
        (
            {},
            [migrations.SeparateDatabaseAndState(database_operations=RUN_PYTHON)],
            "no REWRITES_TABLES",
        ),
    ],
)
def test_a_future_migration_without_the_declarations_is_refused(declared, operations, complaint):
    (line,) = problems(_module(**declared), operations)
    assert complaint in line and "0099_example" in line


@pytest.mark.parametrize(
    "declared",
    [
        {"REWRITES_TABLES": []},
        {"REWRITES_TABLES": ["django_content_type"]},
        {"REWRITES_TABLES": ["papers_paper"], "BATCH_SIZE": 2000},
        {"REWRITES_TABLES": ["papers_paper"], "UNBATCHED_REASON": "one ALTER TABLE"},
    ],
)
def test_a_migration_with_its_declarations_passes(declared):
    assert problems(_module(**declared), RUN_PYTHON) == []


def test_schema_only_migrations_need_no_declaration():
    add_field = migrations.AddField("paper", "pages", models.IntegerField(default=0))
    assert problems(_module(), [add_field]) == []
