"""Background tasks: summarise papers after an import, and ask a model where one is set.

papers.signals.papers_imported says an import changed papers; ``on_papers_imported`` (its
receiver, connected in apps.py) queues their summaries once the import commits: the ids
in chunks, or, for a bulk file that kept none, one task that finds every paper without a
current summary. Every task is idempotent: a paper whose row matches its content is
skipped, so a rerun, or two imports queueing the same papers, write each row once.
Meanwhile pages and the API compute the missing ones on read (read.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django_tasks import task

from dailypapers.summaries import abstractive
from dailypapers.summaries.store import pending_ids, summarize_papers

TASK_CHUNK = 2000  # about two seconds of work on one core
# Below ingest, digests and mail (priority 0), above embedding (-10): cheap and shown at once.
SUMMARY_PRIORITY = -5


@task()
def summarize_paper_ids(paper_ids: list[int]) -> int:
    """Summarise these papers where their row is missing or stale; then queue the model's."""
    written = summarize_papers(paper_ids)
    abstractive.enqueue_asks(paper_ids)
    return written


@task()
def summarize_pending(limit: int | None = None) -> int:
    """Summarise every paper without a current summary (at most ``limit``), oldest first."""
    ids = pending_ids(limit)
    written = summarize_papers(ids)
    abstractive.enqueue_asks(ids)
    return written


def with_priority(chosen: Any) -> Any:
    """The task at the summaries' priority, where the backend has priorities."""
    if chosen.get_backend().supports_priority:
        return chosen.using(priority=SUMMARY_PRIORITY)
    return chosen


def enqueue_summaries(paper_ids: Iterable[int]) -> None:
    """After the current transaction commits, queue the summaries of these papers."""
    ids = sorted(set(paper_ids))
    if not ids:
        return

    def enqueue() -> None:
        for start in range(0, len(ids), TASK_CHUNK):
            with_priority(summarize_paper_ids).enqueue(ids[start : start + TASK_CHUNK])

    transaction.on_commit(enqueue)


def enqueue_pending(limit: int | None = None) -> None:
    """After the current transaction commits, queue one back-fill of what is missing."""
    transaction.on_commit(lambda: with_priority(summarize_pending).enqueue(limit))


def on_papers_imported(sender: str, count: int = 0, ids: list[int] | None = None, **_: Any) -> None:
    """Queue the summaries of what an import changed: its ids, or a back-fill where the
    source did not keep them (a bulk file). Only queues: the import does not wait on it."""
    if count <= 0:
        return
    if ids:
        enqueue_summaries(ids)
    else:
        enqueue_pending()
