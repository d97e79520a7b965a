from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: health checks, the staff status page, metrics, backups."""

    name = "dailypapers.ops"
    label = "ops"
    verbose_name = "Operations"
