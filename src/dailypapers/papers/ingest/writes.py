"""The raw inserts of an ingest batch: papers, authors, author and category links.

A bulk import writes hundreds of thousands of link rows; building a model instance per row
costs more than the database write, so these go to the models' tables directly, in the
cheapest form each database offers (backends/: ``executemany`` on SQLite, ``COPY`` and
array ``unnest`` on PostgreSQL). Callers hold the transaction.

The row of a new paper can be prepared in the parsing process (``prepare``), so that the
writing process, the bottleneck of a bulk import, only sends it.
"""

from __future__ import annotations

import json

from django.utils import timezone

from dailypapers.papers.ingest import backends
from dailypapers.papers.ingest.normalize import CleanPaper, content_hash
from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory

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
# A new paper has no votes, comments or score yet; the two timestamps are the writer's.
_NEW_PAPER_COUNTERS = (0, 0, 0.0)
_INSERT_COLUMNS = ("arxiv_id", *PAPER_FIELDS, "upvote_count", "comment_count", "trending_score",
                   "first_seen_at", "changed_at")  # fmt: skip


def paper_values(clean: CleanPaper) -> tuple:
    """The stored values of a new paper, in _INSERT_COLUMNS order up to the counters.

    JSON goes as text (what Django's JSONField sends on SQLite; PostgreSQL's COPY parses
    it into jsonb). Times and days as the backend sends them.
    """
    digest = clean.digest or content_hash(clean)
    writes = backends.current()
    submitted = writes.adapt_datetime(clean.submitted_at)
    updated = writes.adapt_datetime(clean.updated_at)
    day = writes.adapt_date(clean.announced_on)
    return (
        clean.arxiv_id,
        clean.version,
        clean.title,
        clean.abstract,
        json.dumps(clean.author_names),
        clean.primary_category,
        " ".join(clean.categories),
        clean.comments,
        clean.journal_ref,
        clean.doi,
        clean.report_no,
        clean.license,
        submitted,
        updated,
        day,
        clean.announced_on_estimated,
        json.dumps(clean.code_links),
        bool(clean.code_links),
        digest,
        *_NEW_PAPER_COUNTERS,
    )


def prepare(clean: CleanPaper) -> None:
    """Compute what the writer needs in advance (runs in the parsing process)."""
    clean.links()
    clean.insert_values = paper_values(clean)


def insert_papers(cleans: list[CleanPaper]) -> dict[str, int]:
    """Insert new papers straight from their clean form; returns their ids by arXiv id."""
    writes = backends.current()
    now = writes.adapt_datetime(timezone.now())
    stamps = (now, now)
    rows = [(clean.insert_values or paper_values(clean)) + stamps for clean in cleans]
    table = Paper._meta.db_table
    writes.insert_rows(table, _INSERT_COLUMNS, rows)
    return writes.ids_by(table, "arxiv_id", [clean.arxiv_id for clean in cleans])


class KnownAuthors:
    """Author ids that earlier, committed batches of one ingest used, by key.

    A bulk import meets most authors again and again (572,220 links to 230,057 authors in
    the shared file); these need no query. Only ids from committed transactions go in, so
    a rolled-back batch leaves none behind; should one go stale all the same (an author
    deleted meanwhile), the link insert fails with an IntegrityError and the batch is
    retried after ``forget``. Emptied when full, so memory stays flat.
    """

    LIMIT = 100_000

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def remember(self, ids: dict[str, int]) -> None:
        if len(self.ids) + len(ids) > self.LIMIT:
            self.ids.clear()
        self.ids.update(ids)

    def forget(self) -> None:
        self.ids.clear()


def _author_ids(names_by_key: dict[str, str]) -> dict[str, int]:
    """Ids for these author keys, creating the missing authors (safe against a concurrent run)."""
    table = Author._meta.db_table
    writes = backends.current()
    writes.insert_missing_authors(table, names_by_key)
    return writes.ids_by(table, "key", list(names_by_key))


def write_links(
    papers: list[tuple[int, CleanPaper]], known: dict[str, int] | None = None
) -> dict[str, int]:
    """Author and category rows of these papers (whose old rows, if any, are gone).

    ``known``: author ids by key that need no query (see KnownAuthors). Returns the ids of
    every author linked.
    """
    names_by_key: dict[str, str] = {}
    for _paper_id, clean in reversed(papers):  # so that the first paper's spelling wins
        names_by_key.update(clean.links())
    author_ids: dict[str, int] = {}
    if known:
        author_ids = {key: known[key] for key in names_by_key if key in known}
        names_by_key = {key: name for key, name in names_by_key.items() if key not in known}
    if names_by_key:
        author_ids.update(_author_ids(names_by_key))
    author_rows = [
        (paper_id, author_ids[key], position)
        for paper_id, clean in papers
        for position, key in enumerate(clean.links())
    ]
    writes = backends.current()
    adapt_date = writes.adapt_date
    category_rows = [
        (paper_id, category, adapt_date(clean.announced_on))
        for paper_id, clean in papers
        for category in clean.categories
    ]
    writes.insert_rows(
        PaperAuthor._meta.db_table, ("paper_id", "author_id", "position"), author_rows
    )
    writes.insert_rows(
        PaperCategory._meta.db_table, ("paper_id", "category", "announced_on"), category_rows
    )
    return author_ids
