from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "dailypapers.digests"
    label = "digests"
    verbose_name = "Email digests"

    def ready(self) -> None:
        # Here, not at the top: runs imports models, loaded only once apps are ready.
        from dailypapers.digests import runs
        from dailypapers.digests.jobs import enqueue_chunk

        runs.use_chunk_sender(enqueue_chunk)
