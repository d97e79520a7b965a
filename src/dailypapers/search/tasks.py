"""Background tasks of the semantic layer: embed papers after ingest. Ids in, idempotent."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django_tasks import task

from dailypapers.search import semantic
from dailypapers.search.embedding import embed_papers


@task()
def embed_paper_ids(paper_ids: list[int]) -> int:
    """Embed these papers with the active embedder where their vector is missing or stale."""
    embedder = semantic.active_embedder()
    return embed_papers(paper_ids, embedder, batch_size=settings.EMBEDDING_BATCH_SIZE)


# A day's ingest is about a thousand papers; one task per chunk keeps each task short.
TASK_CHUNK = 500


def enqueue_embedding(paper_ids: Iterable[int]) -> None:
    """After the current transaction commits, queue the embedding of these papers."""
    ids = sorted(set(paper_ids))
    if not ids:
        return

    def enqueue() -> None:
        for start in range(0, len(ids), TASK_CHUNK):
            embed_paper_ids.enqueue(ids[start : start + TASK_CHUNK])

    transaction.on_commit(enqueue)
