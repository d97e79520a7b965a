from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _repair_sqlite_index(using: str = "default", **kwargs: Any) -> None:
    """After every migrate, put back FTS triggers a rebuild of papers_paper dropped."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        from dailypapers.search.backends import sqlite_fts

        sqlite_fts.repair(connection)


class SearchConfig(AppConfig):
    name = "dailypapers.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from dailypapers.papers.signals import papers_imported
        from dailypapers.search.tasks import on_papers_imported

        post_migrate.connect(_repair_sqlite_index, sender=self, dispatch_uid="search-fts-repair")
        # What an import changed is embedded in the background (search/tasks.py).
        papers_imported.connect(on_papers_imported, dispatch_uid="search-embed-imported")
