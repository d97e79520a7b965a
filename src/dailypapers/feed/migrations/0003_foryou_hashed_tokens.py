# For-you feed tokens are no longer stored: each row keeps a nonce (the token is its HMAC
# under SECRET_KEY) and the token's SHA-256. Existing addresses are rotated: their rows are
# deleted and each member gets a new address the next time the For you page is shown.
from django.db import migrations, models


# One row per member who opened For you, deleted (ops/tests/test_migration_rewrites.py).
REWRITES_TABLES = ["feed_personalfeedtoken"]


def forget_clear_tokens(apps, schema_editor):
    apps.get_model("feed", "PersonalFeedToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("feed", "0002_topics")]

    operations = [
        migrations.RunPython(forget_clear_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="personalfeedtoken", name="token"),
        migrations.AddField(
            model_name="personalfeedtoken",
            name="nonce",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="personalfeedtoken",
            name="digest",
            field=models.CharField(
                default="", help_text="SHA-256 of the token", max_length=64, unique=True
            ),
            preserve_default=False,
        ),
    ]
