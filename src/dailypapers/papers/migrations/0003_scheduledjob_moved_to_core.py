"""ScheduledJob now belongs to core (core 0001); its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_scheduledjob_from_papers"),
        ("papers", "0002_searchrel_title_doi_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ScheduledJob")],
        ),
    ]
