from __future__ import annotations

from django.apps import AppConfig

from dailypapers.papers.signals import papers_imported


class SummariesConfig(AppConfig):
    name = "dailypapers.summaries"
    label = "summaries"
    verbose_name = "Summaries"

    def ready(self) -> None:
        # tasks.py imports models, which cannot load while the registry is being populated.
        from dailypapers.summaries.tasks import on_papers_imported

        # Not inside ingest's write path: an import only queues the work (tasks.py).
        papers_imported.connect(on_papers_imported, dispatch_uid="summaries-imported")
