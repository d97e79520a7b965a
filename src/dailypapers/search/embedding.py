"""Compute and store paper vectors, a batch per transaction, so an interrupted run resumes.

A paper needs embedding when it has no vector of the active embedder, or when its title or
abstract changed since (``content_hash`` of the embedded text). Both ``dailypapers embed``
and the background task after ingest come here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from dailypapers.papers.models import Paper
from dailypapers.search.embedders import Embedder, paper_text
from dailypapers.search.models import PaperEmbedding
from dailypapers.search.vector_index import to_bytes
from dailypapers.search.vectors import changed


def text_hash(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def pending_ids(model: str, limit: int | None = None) -> list[int]:
    """Papers without a vector of ``model``, oldest id first (the order a rerun resumes in)."""
    has_vector = PaperEmbedding.objects.filter(paper=OuterRef("pk"), model=model)
    ids = Paper.objects.filter(~Exists(has_vector)).order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


# Papers read at once and sorted by text length, so each batch holds texts of about one
# length and the model pads little (abstracts run from a few lines to a page).
BLOCK = 1024


def embed_papers(
    paper_ids: Iterable[int],
    embedder: Embedder,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Embed these papers where needed; the number of vectors written."""
    written = 0
    ids = list(paper_ids)
    for start in range(0, len(ids), BLOCK):
        block = ids[start : start + BLOCK]
        papers = Paper.objects.filter(pk__in=block).values_list("pk", "title", "abstract")
        texts = {pk: paper_text(title, abstract) for pk, title, abstract in papers}
        current = dict(
            PaperEmbedding.objects.filter(
                Q(paper_id__in=list(texts)) & Q(model=embedder.name)
            ).values_list("paper_id", "content_hash")
        )
        todo = [pk for pk, text in texts.items() if current.get(pk) != text_hash(text)]
        todo.sort(key=lambda pk: (len(texts[pk]), pk))
        for at in range(0, len(todo), batch_size):
            batch = todo[at : at + batch_size]
            written += _write(batch, texts, embedder)
            if on_progress:
                on_progress(len(batch))
        if on_progress and len(block) > len(todo):
            on_progress(len(block) - len(todo))  # missing or already embedded
    return written


def _write(batch: list[int], texts: dict[int, str], embedder: Embedder) -> int:
    found = embedder.embed([texts[pk] for pk in batch])
    rows = [
        PaperEmbedding(
            paper_id=pk,
            model=embedder.name,
            dim=embedder.dim,
            vector=to_bytes(vector),
            content_hash=text_hash(texts[pk]),
        )  # fmt: skip
        for pk, vector in zip(batch, found, strict=True)
    ]
    with transaction.atomic():
        # A paper deleted meanwhile would break the foreign key: write only live ones.
        live = set(Paper.objects.filter(pk__in=batch).values_list("pk", flat=True))
        PaperEmbedding.objects.bulk_create(
            [row for row in rows if row.paper_id in live],
            update_conflicts=True,
            unique_fields=["paper"],
            update_fields=["model", "dim", "vector", "content_hash", "embedded_at"],
        )
    changed(embedder.name)
    return len(live)
