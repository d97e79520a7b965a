"""Every member gets a public handle, unique without regard to case.

Existing members get one made from their public name (the display name, else "member <id>",
as pages show them; never from the email address, which stays private), numbered where two
would meet: "ada", "ada-2". Members change it in their settings.
"""

import django.db.models.functions.text
from django.db import migrations, models

import dailypapers.accounts.models
from dailypapers.lib import handles

REWRITES_TABLES = ["accounts_user"]
BATCH_SIZE = 1000  # members written per UPDATE batch; their ids and names are read in one pass


def fill_handles(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    taken: set[str] = set()
    changed = []
    for user in User.objects.order_by("pk").only("pk", "display_name", "handle").iterator():
        name = user.display_name or f"member {user.pk}"
        user.handle = handles.first_free(handles.base_from_name(name), taken)
        taken.add(user.handle)
        changed.append(user)
        if len(changed) >= BATCH_SIZE:
            User.objects.bulk_update(changed, ["handle"])
            changed = []
    User.objects.bulk_update(changed, ["handle"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(
                default="",
                help_text="Public, unique without regard to case: /u/<handle>/.",
                max_length=30,
                validators=[dailypapers.accounts.models.validate_handle],
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_handles, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("handle"),
                name="user_handle_ci_unique",
                violation_error_message="That handle is taken.",
            ),
        ),
    ]
