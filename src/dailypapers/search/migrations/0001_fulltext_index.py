"""The keyword index: FTS5 and triggers on SQLite, a generated tsvector and GIN on PostgreSQL.

Both live beside papers_paper rather than in a model, so only the database vendor in use
gets its own; the SQL is in the backend modules, which repair() on SQLite shares.
"""

from django.db import migrations


# ops/tests/test_migration_rewrites.py: every stored paper is indexed here.
REWRITES_TABLES = ["papers_paper", "search_paper_fts"]
UNBATCHED_REASON = (
    "one statement the database runs itself: PostgreSQL adds a generated column in one"
    " ALTER TABLE, SQLite fills the FTS5 index with one INSERT ... SELECT; every release"
    " (0.1.0 on) applies it to a new, empty store"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from dailypapers.search.backends import sqlite_fts_schema

        sqlite_fts_schema.install(schema_editor.connection)
    elif vendor == "postgresql":
        from dailypapers.search.backends import postgres_fts

        postgres_fts.install(schema_editor.connection)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from dailypapers.search.backends import sqlite_fts_schema

        sqlite_fts_schema.uninstall(schema_editor.connection)
    elif vendor == "postgresql":
        from dailypapers.search.backends import postgres_fts

        postgres_fts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
