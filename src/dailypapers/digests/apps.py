from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "dailypapers.digests"
    label = "digests"
    verbose_name = "Email digests"

    def ready(self) -> None:
        from dailypapers.core import scheduling
        from dailypapers.digests import tasks  # noqa: F401 - installs runs' chunk sender
        from dailypapers.digests.jobs import JOBS

        for job in JOBS:
            scheduling.register(job)
