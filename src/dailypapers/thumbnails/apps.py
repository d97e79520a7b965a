from __future__ import annotations

from django.apps import AppConfig


class ThumbnailsConfig(AppConfig):
    name = "dailypapers.thumbnails"
    label = "thumbnails"
    verbose_name = "Thumbnails"

    def ready(self) -> None:
        # Inside ready(): tasks.py imports models, which cannot load before the registry.
        from dailypapers.papers.signals import papers_imported
        from dailypapers.thumbnails.tasks import on_papers_imported

        papers_imported.connect(on_papers_imported, dispatch_uid="thumbnails-recent-imported")
