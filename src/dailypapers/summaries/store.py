"""Compute and store automatic summaries in bulk: a block of papers per transaction.

A paper needs one when it has no row, or when its ``content_hash`` changed since its row was
made. The task after an import, the periodic job and ``dailypapers summarize`` come here;
running any of them twice writes nothing new. A summary written by a model is kept while the
paper's version stays the same (only its key phrases are made again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q

from dailypapers.lib.extractive import extract
from dailypapers.papers.models import Paper
from dailypapers.summaries.models import EXTRACTIVE, AutoSummary

# Papers read, computed and written at once: about a second of work per block.
BLOCK = 1000
_FIELDS = ["keywords", "summary", "method", "content_hash", "version", "made_at"]


def pending_ids(limit: int | None = None) -> list[int]:
    """Papers without a summary or with a stale one, oldest id first (a rerun resumes there)."""
    stale = Q(auto_summary__isnull=True) | ~Q(auto_summary__content_hash=F("content_hash"))
    ids = Paper.objects.filter(stale).order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def all_ids() -> list[int]:
    return list(Paper.objects.order_by("pk").values_list("pk", flat=True))


def summarize_papers(
    paper_ids: Iterable[int],
    *,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Make the summaries these papers need (all of them with ``force``); rows written."""
    written = 0
    ids = list(paper_ids)
    for start in range(0, len(ids), BLOCK):
        block = ids[start : start + BLOCK]
        written += _summarize_block(block, force)
        if on_progress:
            on_progress(len(block))
    return written


def _summarize_block(block: list[int], force: bool) -> int:
    papers = Paper.objects.filter(pk__in=block).values_list(
        "pk", "title", "abstract", "content_hash", "version"
    )
    known = {
        row.paper_id: row
        for row in AutoSummary.objects.filter(paper_id__in=block).only(
            "paper_id", "content_hash", "method", "version"
        )
    }
    fresh: list[AutoSummary] = []
    kept: list[AutoSummary] = []  # a model's summary of this version: new key phrases only
    for pk, title, abstract, content_hash, version in papers:
        row = known.get(pk)
        if row is not None and row.content_hash == content_hash and not force:
            continue
        made = extract(title, abstract)
        if row is not None and row.by_model and row.version == version:
            row.keywords, row.content_hash = made.keywords, content_hash
            kept.append(row)
            continue
        fresh.append(
            AutoSummary(
                paper_id=pk,
                keywords=made.keywords,
                summary=made.summary,
                method=EXTRACTIVE,
                content_hash=content_hash,
                version=version,
            )
        )
    if not fresh and not kept:
        return 0
    with transaction.atomic():
        # A paper deleted meanwhile would break the foreign key: write only live ones.
        live = set(Paper.objects.filter(pk__in=block).values_list("pk", flat=True))
        fresh = [row for row in fresh if row.paper_id in live]
        AutoSummary.objects.bulk_create(
            fresh, update_conflicts=True, unique_fields=["paper"], update_fields=_FIELDS
        )
        AutoSummary.objects.bulk_update(
            [row for row in kept if row.paper_id in live], ["keywords", "content_hash"]
        )
    return len(fresh) + len(kept)
