"""The change log of the papers' searchable text (search/keyword_log.py): a table and the
triggers on papers_paper that fill it, on SQLite and PostgreSQL alike."""

from django.db import migrations, models

# ops/tests/test_migration_rewrites.py: triggers only; the new table starts empty (an index
# built before this migration has another stamp format and is rebuilt once).
REWRITES_TABLES: list[str] = []


def forwards(apps, schema_editor):
    from dailypapers.search import keyword_log

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        keyword_log.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from dailypapers.search import keyword_log

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        keyword_log.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_embedding_time_index")]

    operations = [
        migrations.CreateModel(
            name="KeywordChange",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("paper_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
