"""Stage 3: write a batch of clean papers through the models, in one transaction.

A batch is all or nothing, so a paper is never half-written (paper row without its
authors, say). New papers go in as raw rows (writes.py); changed ones with ``bulk_update``;
author and category rows of a paper are rewritten only when they changed. A paper whose
stored content hash equals the incoming one is not even loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from dailypapers.papers.ingest.backends.common import chunks, pairs_in_chunks
from dailypapers.papers.ingest.merge import is_stale, merge
from dailypapers.papers.ingest.normalize import CleanPaper, content_hash
from dailypapers.papers.ingest.writes import PAPER_FIELDS, KnownAuthors, insert_papers, write_links
from dailypapers.papers.models import Paper, PaperAuthor, PaperCategory
from dailypapers.papers.signals import around_ingest_batch


@dataclass(slots=True)
class BatchResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_paper_ids: list[int] = field(
        default_factory=list
    )  # new or updated, for follow-up tasks


def stored_as_clean(paper: Paper) -> CleanPaper:
    categories = paper.categories.split()
    return CleanPaper(
        arxiv_id=paper.arxiv_id,
        version=paper.version,
        title=paper.title,
        abstract=paper.abstract,
        author_names=list(paper.author_names),
        categories=categories,
        comments=paper.comments,
        journal_ref=paper.journal_ref,
        doi=paper.doi,
        report_no=paper.report_no,
        license=paper.license,
        submitted_at=paper.submitted_at,
        updated_at=paper.updated_at,
        announced_on=paper.announced_on,
        announced_on_estimated=paper.announced_on_estimated,
        code_links=list(paper.code_links),
    )


def _apply(paper: Paper, clean: CleanPaper, digest: str) -> None:
    paper.version = clean.version
    paper.title = clean.title
    paper.abstract = clean.abstract
    paper.author_names = clean.author_names
    paper.primary_category = clean.primary_category
    paper.categories = " ".join(clean.categories)
    paper.comments = clean.comments
    paper.journal_ref = clean.journal_ref
    paper.doi = clean.doi
    paper.report_no = clean.report_no
    paper.license = clean.license
    paper.submitted_at = clean.submitted_at
    paper.updated_at = clean.updated_at
    paper.announced_on = clean.announced_on
    paper.announced_on_estimated = clean.announced_on_estimated
    paper.code_links = clean.code_links
    paper.has_code = bool(clean.code_links)
    paper.content_hash = digest


def _dedupe(batch: Iterable[CleanPaper]) -> dict[str, CleanPaper]:
    """One entry per id: several records of one paper in a batch merge in input order."""
    by_id: dict[str, CleanPaper] = {}
    for clean in batch:
        earlier = by_id.get(clean.arxiv_id)
        if earlier is None:
            by_id[clean.arxiv_id] = clean
        elif is_stale(earlier, clean):
            continue
        else:
            # Keep the incoming record's announce type: the merge treats it as incoming.
            merged = merge(earlier, clean)
            merged.announce_type = clean.announce_type
            by_id[clean.arxiv_id] = merged
    return by_id


def _stored_hashes(arxiv_ids: list[str]) -> dict[str, str]:
    """The content hash of each of these papers already stored."""
    return pairs_in_chunks(Paper._meta.db_table, "arxiv_id", "content_hash", arxiv_ids)


def _upsert_once(by_id: dict[str, CleanPaper], authors: KnownAuthors) -> BatchResult:
    result = BatchResult()
    # Hooks (search's index of the new papers) run inside the batch's transaction.
    with transaction.atomic(), around_ingest_batch(connection) as report_inserted:
        stored_hashes = _stored_hashes(list(by_id))
        created: list[CleanPaper] = []
        to_merge: list[str] = []
        for arxiv_id, incoming in by_id.items():
            stored_hash = stored_hashes.get(arxiv_id)
            if stored_hash is None:
                created.append(incoming)
            elif incoming.digest and incoming.digest == stored_hash:
                # Same content as stored: merging it could change nothing (a re-import).
                result.unchanged += 1
            else:
                to_merge.append(arxiv_id)

        relinked: list[tuple[int, CleanPaper]] = []
        updated: list[Paper] = []
        for chunk in chunks(to_merge):
            for paper in Paper.objects.filter(arxiv_id__in=chunk):
                stored = stored_as_clean(paper)
                merged = merge(stored, by_id[paper.arxiv_id])
                digest = content_hash(merged)
                if digest == paper.content_hash:
                    result.unchanged += 1
                    continue
                links_changed = (
                    merged.author_names != stored.author_names
                    or merged.categories != stored.categories
                    or merged.announced_on != stored.announced_on
                )
                _apply(paper, merged, digest)
                updated.append(paper)
                if links_changed:
                    relinked.append((paper.pk, merged))

        created_ids = insert_papers(created) if created else {}
        report_inserted(created_ids.values())
        if updated:
            Paper.objects.bulk_update(updated, PAPER_FIELDS, batch_size=200)
        if relinked:
            for chunk in chunks([paper_id for paper_id, _ in relinked]):
                PaperAuthor.objects.filter(paper_id__in=chunk).delete()
                PaperCategory.objects.filter(paper_id__in=chunk).delete()
        linked = write_links(
            [(created_ids[c.arxiv_id], c) for c in created] + relinked, authors.ids
        )
    authors.remember(linked)  # committed now

    result.new = len(created)
    result.updated = len(updated)
    result.changed_paper_ids = [created_ids[c.arxiv_id] for c in created] + [
        paper.pk for paper in updated
    ]
    return result


def upsert_batch(
    batch: Iterable[CleanPaper], *, attempts: int = 3, authors: KnownAuthors | None = None
) -> BatchResult:
    """Store a batch; a concurrent ingest of the same new paper makes us re-read and retry.

    ``authors``: ids from this ingest's earlier batches, kept up to date here.
    """
    by_id = _dedupe(batch)
    if not by_id:
        return BatchResult()
    authors = authors if authors is not None else KnownAuthors()
    for attempt in range(attempts):
        try:
            return _upsert_once(by_id, authors)
        except IntegrityError:
            authors.forget()  # in case a remembered author was deleted meanwhile
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
