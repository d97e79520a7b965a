"""SQLite: an fts5vocab table over the keyword index, for the document frequency of a word
(search/backends/sqlite_fts_schema.py). It stores nothing: FTS5 reads it from the index.
PostgreSQL needs none."""

from django.db import migrations


# A virtual table that stores nothing (ops/tests/test_migration_rewrites.py).
REWRITES_TABLES: list[str] = []


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from dailypapers.search.backends.sqlite_fts_schema import CREATE_VOCAB

        schema_editor.execute(CREATE_VOCAB)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from dailypapers.search.backends.sqlite_fts_schema import DROP_VOCAB

        schema_editor.execute(DROP_VOCAB)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_paper_embeddings")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
