"""Background tasks of the semantic layer: embed papers after ingest. Ids in, idempotent.

papers.signals.papers_imported says an import changed papers; ``on_papers_imported`` (its
receiver, connected in apps.py) queues their embedding in chunks, after the import commits.
A chunk embeds only papers whose vector is missing or stale, so running one twice, or two
imports queueing the same papers, writes each vector once. Keyword search serves meanwhile;
the search status page shows how far embedding has come.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from dailypapers.search import semantic, vectors
from dailypapers.search.embedding import embed_papers, pending_ids


@task()
def embed_paper_ids(paper_ids: list[int]) -> int:
    """Embed these papers with the active embedder where their vector is missing or stale."""
    embedder = semantic.active_embedder()
    written = embed_papers(paper_ids, embedder, batch_size=settings.EMBEDDING_BATCH_SIZE)
    if written:
        # Into the saved index without rebuilding it: the newer vectors as a segment of their
        # own, mapped by every process (nothing happens before `embed` first saved one).
        vectors.add_newer(embedder.name, embedder.dim)
    return written


# A day's ingest is about a thousand papers; one task per chunk keeps each task short
# (a minute or so with the model on two cores).
TASK_CHUNK = 500
EMBED_PRIORITY = -10  # below every other task (the default priority is 0)


def enqueue_embedding(paper_ids: Iterable[int]) -> None:
    """After the current transaction commits, queue the embedding of these papers."""
    ids = sorted(set(paper_ids))
    if not ids:
        return

    def enqueue() -> None:
        queued = embed_paper_ids
        if queued.get_backend().supports_priority:
            # A bulk import queues hours of embedding: ingest and digests must not wait on it.
            queued = queued.using(priority=EMBED_PRIORITY)
        for start in range(0, len(ids), TASK_CHUNK):
            queued.enqueue(ids[start : start + TASK_CHUNK])

    transaction.on_commit(enqueue)


def on_papers_imported(sender: str, count: int = 0, ids: list[int] | None = None, **_: Any) -> None:
    """Queue the embedding of what an import changed: its ids, or every paper without a
    vector where the source did not keep them (a bulk file)."""
    if count <= 0:
        return
    if ids:
        enqueue_embedding(ids)
        return
    transaction.on_commit(lambda: enqueue_embedding(pending_ids(semantic.active_embedder().name)))
