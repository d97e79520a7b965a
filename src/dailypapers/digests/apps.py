from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "dailypapers.digests"
    label = "digests"
    verbose_name = "Email digests"

    def ready(self) -> None:
        # Here, not at the top: core.scheduling imports models, loaded only once apps are ready.
        from dailypapers.core import scheduling
        from dailypapers.digests import runs
        from dailypapers.digests.jobs import JOBS, enqueue_chunk

        for job in JOBS:
            scheduling.register(job)
        runs.use_chunk_sender(enqueue_chunk)
