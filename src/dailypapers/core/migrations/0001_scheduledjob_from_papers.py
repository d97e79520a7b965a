"""ScheduledJob moves from papers to core: the table stays, only Django's state moves.

The table was created by papers 0001 (papers_scheduledjob); here core takes it over in
the migration state alone, and papers 0003 drops it from papers' state. The content type
follows, so permissions granted on the model keep working.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


# One content type row moves to core (ops/tests/test_migration_rewrites.py).
REWRITES_TABLES = ["django_content_type"]


def _relabel(apps: StateApps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old, model="scheduledjob").exclude(
        app_label=new
    ).update(app_label=new)


def content_type_to_core(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if not apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="core", model="scheduledjob"
    ).exists():
        _relabel(apps, "papers", "core")


def content_type_to_papers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if not apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="papers", model="scheduledjob"
    ).exists():
        _relabel(apps, "core", "papers")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("papers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ScheduledJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("next_run_at", models.DateTimeField()),
                        ("last_run_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "papers_scheduledjob"},
                ),
            ],
        ),
        migrations.RunPython(content_type_to_core, content_type_to_papers),
    ]
