from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import post_migrate

from dailypapers.papers.signals import papers_imported, wrap_ingest_batches
from dailypapers.search import backends, keyword_log


def _repair_index(using: str = "default", **kwargs: Any) -> None:
    """After every migrate, put back what a rebuild of papers_paper dropped (FTS triggers)."""
    backend = backends.current(connections[using])
    if backend is not None:
        backend.repair()
        keyword_log.repair(connections[using])  # the keyword index's change-log triggers


def _index_inserted_papers(connection: BaseDatabaseWrapper) -> AbstractContextManager[list[int]]:
    """Around each ingest batch: index its new papers in one statement at the end, inside
    the batch's transaction (on SQLite; PostgreSQL computes its column as each row goes in)."""
    backend = backends.current(connection)
    return backend.indexing_inserts_at_end() if backend is not None else nullcontext([])


class SearchConfig(AppConfig):
    name = "dailypapers.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Inside ready(), as Django requires: tasks.py imports models, which cannot load
        # while the app registry is still being populated.
        from dailypapers.search import keyword_tasks
        from dailypapers.search.tasks import on_papers_imported

        post_migrate.connect(_repair_index, sender=self, dispatch_uid="search-fts-repair")
        wrap_ingest_batches(_index_inserted_papers)
        # What an import changed is embedded in the background (search/tasks.py).
        papers_imported.connect(on_papers_imported, dispatch_uid="search-embed-imported")
        papers_imported.connect(keyword_tasks.on_papers_imported,
                                dispatch_uid="search-keyword-index-imported")  # fmt: skip
