"""Compute and store automatic summaries in bulk: a block of papers per transaction.

A paper needs one when it has no row, or when its ``content_hash`` changed since its row was
made. The task after an import, the periodic job and ``dailypapers summarize`` come here;
running any of them twice writes nothing new. A summary written by a model is kept while the
paper's version stays the same (only its key phrases are made again).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from dailypapers.lib.extractive import Extract, extract
from dailypapers.lib.process import die_with_parent
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


Row = tuple[int, str, str, str, int | None]  # pk, title, abstract, content_hash, version


def summarize_papers(
    paper_ids: Iterable[int],
    *,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
    processes: int = 1,
) -> int:
    """Make the summaries these papers need (all of them with ``force``); rows written.

    With ``processes`` > 1 the extraction runs in that many child processes while this one
    reads the next blocks and writes the finished ones (the bulk command); tasks use one.
    """
    ids = list(paper_ids)
    blocks = [ids[start : start + BLOCK] for start in range(0, len(ids), BLOCK)]
    if processes <= 1 or len(blocks) <= 1:
        written = 0
        for block in blocks:
            rows, known = _todo(block, force)
            written += _write(block, rows, known, [extract(t, a) for _, t, a, _, _ in rows])
            if on_progress:
                on_progress(len(block))
        return written
    return _summarize_in_children(blocks, force, on_progress, processes)


def _summarize_in_children(
    blocks: list[list[int]],
    force: bool,
    on_progress: Callable[[int], None] | None,
    processes: int,
) -> int:
    written = 0
    waiting: deque[tuple[list[int], list[Row], dict[int, AutoSummary], Any]] = deque()
    # fork: the children need no Django, only lib.extractive, already imported here.
    with multiprocessing.get_context("fork").Pool(processes, initializer=die_with_parent) as pool:
        for block in blocks:
            rows, known = _todo(block, force)
            texts = [(title, abstract) for _, title, abstract, _, _ in rows]
            waiting.append((block, rows, known, pool.map_async(_extract_all, [texts])))
            while len(waiting) > processes:
                written += _finish(waiting.popleft(), on_progress)
        while waiting:
            written += _finish(waiting.popleft(), on_progress)
    return written


def _extract_all(texts: list[tuple[str, str]]) -> list[Extract]:
    return [extract(title, abstract) for title, abstract in texts]


def _finish(
    item: tuple[list[int], list[Row], dict[int, AutoSummary], Any],
    on_progress: Callable[[int], None] | None,
) -> int:
    block, rows, known, result = item
    written = _write(block, rows, known, result.get()[0])
    if on_progress:
        on_progress(len(block))
    return written


def _todo(block: list[int], force: bool) -> tuple[list[Row], dict[int, AutoSummary]]:
    """The papers of a block that need a summary, and the rows they have."""
    papers = Paper.objects.filter(pk__in=block).values_list(
        "pk", "title", "abstract", "content_hash", "version"
    )
    known = {
        row.paper_id: row
        for row in AutoSummary.objects.filter(paper_id__in=block).only(
            "paper_id", "content_hash", "method", "version"
        )
    }
    rows = [
        row
        for row in papers
        if force or row[0] not in known or known[row[0]].content_hash != row[3]
    ]
    return rows, known


def _write(
    block: list[int], rows: list[Row], known: dict[int, AutoSummary], made: list[Extract]
) -> int:
    fresh: list[AutoSummary] = []
    kept: list[AutoSummary] = []  # a model's summary of this version: new key phrases only
    for (pk, _, _, content_hash, version), extracted in zip(rows, made, strict=True):
        row = known.get(pk)
        if row is not None and row.by_model and row.version == version:
            row.keywords, row.content_hash = extracted.keywords, content_hash
            kept.append(row)
            continue
        fresh.append(
            AutoSummary(
                paper_id=pk,
                keywords=extracted.keywords,
                summary=extracted.summary,
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
        kept = [row for row in kept if row.paper_id in live]
        AutoSummary.objects.bulk_create(
            fresh, update_conflicts=True, unique_fields=["paper"], update_fields=_FIELDS
        )
        AutoSummary.objects.bulk_update(kept, ["keywords", "content_hash"])
    return len(fresh) + len(kept)
