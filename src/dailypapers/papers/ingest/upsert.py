"""Stage 3: write a batch of clean papers through the models, in one transaction.

A batch is all or nothing, so a paper is never half-written (paper row without its
authors, say). New papers go in with ``bulk_create``; changed ones with ``bulk_update``;
author and category rows of a paper are rewritten only when they changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dailypapers.papers.ingest.merge import is_stale, merge
from dailypapers.papers.ingest.normalize import CleanPaper, content_hash
from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory

# SQLite allows 32,766 parameters per statement in current builds; older ones 999.
IN_CHUNK = 500
PAPER_FIELDS = (
    "version",
    "title",
    "abstract",
    "author_names",
    "primary_category",
    "categories",
    "comments",
    "journal_ref",
    "doi",
    "report_no",
    "license",
    "submitted_at",
    "updated_at",
    "announced_on",
    "announced_on_estimated",
    "code_links",
    "has_code",
    "content_hash",
)


@dataclass(slots=True)
class BatchResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_paper_ids: list[int] = field(
        default_factory=list
    )  # new or updated, for follow-up tasks


def _chunks(items: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


# The link tables get hundreds of thousands of rows in a bulk import; building a model
# instance per row costs more than the database write, so these inserts go through the
# models' tables with plain executemany. ON CONFLICT works on SQLite ≥ 3.24 and PostgreSQL.
def _author_ids(names_by_key: dict[str, str]) -> dict[str, int]:
    """Ids for these author keys, creating the missing authors (safe against a concurrent run)."""
    table = Author._meta.db_table
    keys = list(names_by_key)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (name, key) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
            [(names_by_key[key], key) for key in keys],
        )
    return _ids_by(table, "key", keys)


def _ids_by(table: str, column: str, values: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column}, id FROM {table} WHERE {column} IN ({marks})", chunk)
            ids.update(cursor.fetchall())
    return ids


def _paper_row(clean: CleanPaper, digest: str, now: object) -> tuple:
    ops = connection.ops
    return (
        clean.arxiv_id,
        clean.version,
        clean.title,
        clean.abstract,
        ops.adapt_json_value(clean.author_names, None),
        clean.primary_category,
        " ".join(clean.categories),
        clean.comments,
        clean.journal_ref,
        clean.doi,
        clean.report_no,
        clean.license,
        ops.adapt_datetimefield_value(clean.submitted_at),
        ops.adapt_datetimefield_value(clean.updated_at),
        ops.adapt_datefield_value(clean.announced_on),
        clean.announced_on_estimated,
        ops.adapt_json_value(clean.code_links, None),
        bool(clean.code_links),
        digest,
        0,
        0,
        0.0,
        now,
        now,
    )


_INSERT_COLUMNS = ("arxiv_id", *PAPER_FIELDS, "upvote_count", "comment_count", "trending_score",
                   "first_seen_at", "changed_at")  # fmt: skip


def _insert_papers(cleans: list[CleanPaper]) -> dict[str, int]:
    """Insert new papers straight from their clean form; returns their ids by arXiv id.

    No model instances: on a bulk import building them cost more than the INSERT itself.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [_paper_row(clean, clean.digest or content_hash(clean), now) for clean in cleans]
    table = Paper._meta.db_table
    marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) VALUES ({marks})", rows
        )
    return _ids_by(table, "arxiv_id", [clean.arxiv_id for clean in cleans])


def _write_links(papers: list[tuple[int, CleanPaper]]) -> None:
    names_by_key: dict[str, str] = {}
    keys_by_paper: list[tuple[int, list[str]]] = []
    for paper_id, clean in papers:
        keys = []
        for name, key in zip(clean.author_names, clean.keys(), strict=True):
            if key and key not in keys:  # one author listed twice keeps the first place
                keys.append(key)
                names_by_key.setdefault(key, name)
        keys_by_paper.append((paper_id, keys))
    author_ids = _author_ids(names_by_key) if names_by_key else {}
    adapt_date = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {PaperAuthor._meta.db_table} (paper_id, author_id, position) "
            "VALUES (%s, %s, %s)",
            [
                (paper_id, author_ids[key], position)
                for paper_id, keys in keys_by_paper
                for position, key in enumerate(keys)
            ],
        )
        cursor.executemany(
            f"INSERT INTO {PaperCategory._meta.db_table} (paper_id, category, announced_on) "
            "VALUES (%s, %s, %s)",
            [
                (paper_id, category, adapt_date(clean.announced_on))
                for paper_id, clean in papers
                for category in clean.categories
            ],
        )


def _upsert_once(by_id: dict[str, CleanPaper]) -> BatchResult:
    result = BatchResult()
    with transaction.atomic():
        existing: dict[str, Paper] = {}
        for chunk in _chunks(list(by_id)):
            existing.update((p.arxiv_id, p) for p in Paper.objects.filter(arxiv_id__in=chunk))

        created: list[CleanPaper] = []
        relinked: list[tuple[int, CleanPaper]] = []
        updated: list[Paper] = []
        for arxiv_id, incoming in by_id.items():
            paper = existing.get(arxiv_id)
            if paper is None:
                created.append(incoming)
                continue
            stored = stored_as_clean(paper)
            merged = merge(stored, incoming)
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

        created_ids = _insert_papers(created) if created else {}
        if updated:
            Paper.objects.bulk_update(updated, PAPER_FIELDS, batch_size=200)
        if relinked:
            for chunk in _chunks([paper_id for paper_id, _ in relinked]):
                PaperAuthor.objects.filter(paper_id__in=chunk).delete()
                PaperCategory.objects.filter(paper_id__in=chunk).delete()
        _write_links([(created_ids[c.arxiv_id], c) for c in created] + relinked)

    result.new = len(created)
    result.updated = len(updated)
    result.changed_paper_ids = [created_ids[c.arxiv_id] for c in created] + [
        paper.pk for paper in updated
    ]
    return result


def upsert_batch(batch: Iterable[CleanPaper], *, attempts: int = 3) -> BatchResult:
    """Store a batch; a concurrent ingest of the same new paper makes us re-read and retry."""
    by_id = _dedupe(batch)
    if not by_id:
        return BatchResult()
    for attempt in range(attempts):
        try:
            return _upsert_once(by_id)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
