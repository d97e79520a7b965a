"""The task that brings the embedded keyword index (keyword_index.py) back in step."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django_tasks import task

from dailypapers.search import keyword_build, keyword_index, keyword_log


@task()
def rebuild_keyword_index() -> int:
    """Apply the papers' changes since the index's sequence (a full build only when the
    index is missing or the log no longer reaches back to it); the papers written, 0 when it
    was in step already or another writer runs."""
    if not keyword_index.enabled(connection):
        with connection.cursor() as cursor:
            keyword_log.prune(connection, keyword_log.last(cursor))  # no index follows it
        return 0
    if keyword_index.index_stamp() == keyword_index.database_stamp(connection):
        return 0
    done = keyword_build.catch_up(connection)
    return done[1] if done else 0


def request_rebuild(connection: BaseDatabaseWrapper) -> None:
    """Queue a catch-up on the task worker once the current transaction commits (at most
    once every few seconds from one process: keyword_index.rebuild_due)."""
    if keyword_index.rebuild_due():
        transaction.on_commit(lambda: rebuild_keyword_index.enqueue(), using=connection.alias)


def on_papers_imported(sender: str, count: int = 0, **_: Any) -> None:
    """After an import commits, bring the index in step at once (a catch-up of what changed),
    so searches do not wait for the first one to notice; with no index, keep the log short."""
    if count <= 0:
        return
    if keyword_index.enabled(connection):
        transaction.on_commit(lambda: rebuild_keyword_index.enqueue())
        return
    with connection.cursor() as cursor:
        keyword_log.prune(connection, keyword_log.last(cursor))
