from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "dailypapers.papers"
    label = "papers"
    verbose_name = "Papers"

    def ready(self) -> None:
        # Here, not at the top: core.scheduling imports models, loaded only once apps are ready.
        from dailypapers.core import scheduling
        from dailypapers.papers.jobs import JOBS

        for job in JOBS:
            scheduling.register(job)
