"""The task that brings the embedded keyword index (keyword_index.py) back in step."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django_tasks import task

from dailypapers.search import keyword_index


@task()
def rebuild_keyword_index() -> int:
    """Rebuild the index unless it is in step already or another build runs; papers indexed."""
    if not keyword_index.enabled(connection):
        return 0
    if keyword_index.index_stamp() == keyword_index.database_stamp(connection):
        return 0
    built = keyword_index.rebuild(connection)
    return built[0] if built else 0


def request_rebuild(connection: BaseDatabaseWrapper) -> None:
    """Queue a rebuild on the task worker once the current transaction commits (at most
    once a minute from one process: keyword_index.rebuild_due)."""
    if keyword_index.rebuild_due():
        transaction.on_commit(lambda: rebuild_keyword_index.enqueue(), using=connection.alias)
