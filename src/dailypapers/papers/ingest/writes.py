"""The raw inserts of an ingest batch: papers, authors, author and category links.

A bulk import writes hundreds of thousands of link rows; building a model instance per row
costs more than the database write, so these go to the models' tables directly, in the
cheapest form each database offers: ``executemany`` on SQLite (in-process, no round trips),
``COPY`` and array ``unnest`` on PostgreSQL (one statement per table per batch, where
psycopg's ``executemany`` would send a statement per row). Callers hold the transaction.

The row of a new paper can be prepared in the parsing process (``prepare``), so that the
writing process, the bottleneck of a bulk import, only sends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.utils import timezone

from dailypapers.papers.ingest.normalize import CleanPaper, content_hash
from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory

# During a bulk import, SQLite moves the write-ahead log into the database every this many
# pages (64 MiB) instead of every 1,000 (4 MiB, the default). Each such checkpoint waits
# for two fsyncs; at the default a full import of the shared file waited for about 200.
# No corruption risk either way (WAL, synchronous=NORMAL); a power cut can lose the
# transactions since the last checkpoint, which with this setting may be a few more.
BULK_CHECKPOINT_PAGES = 16_384
# SQLite's oldest supported builds allow 999 parameters per statement.
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
# A new paper has no votes, comments or score yet; the two timestamps are the writer's.
_NEW_PAPER_COUNTERS = (0, 0, 0.0)
_INSERT_COLUMNS = ("arxiv_id", *PAPER_FIELDS, "upvote_count", "comment_count", "trending_score",
                   "first_seen_at", "changed_at")  # fmt: skip


@contextmanager
def bulk_session() -> Iterator[None]:
    """Connection settings for a bulk import (see BULK_CHECKPOINT_PAGES), restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {previous}")


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def paper_values(clean: CleanPaper) -> tuple:
    """The stored values of a new paper, in _INSERT_COLUMNS order up to the counters.

    JSON goes as text (what Django's JSONField sends on SQLite; PostgreSQL's COPY parses
    it into jsonb). SQLite stores times as Django does: naive UTC text.
    """
    digest = clean.digest or content_hash(clean)
    submitted, updated, day = clean.submitted_at, clean.updated_at, clean.announced_on
    if not _is_postgres():
        ops = connection.ops
        submitted = ops.adapt_datetimefield_value(submitted)
        updated = ops.adapt_datetimefield_value(updated)
        day = ops.adapt_datefield_value(day)
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
    now = timezone.now()
    if not _is_postgres():
        now = connection.ops.adapt_datetimefield_value(now)
    stamps = (now, now)
    rows = [(clean.insert_values or paper_values(clean)) + stamps for clean in cleans]
    table = Paper._meta.db_table
    arxiv_ids = [clean.arxiv_id for clean in cleans]
    if _is_postgres():
        _copy(table, _INSERT_COLUMNS, rows)
        return _ids_by_any(table, "arxiv_id", arxiv_ids)
    marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) VALUES ({marks})", rows
        )
    return ids_by(table, "arxiv_id", arxiv_ids)


def ids_by(table: str, column: str, values: list[str]) -> dict[str, int]:
    if _is_postgres():
        return _ids_by_any(table, column, values)
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in chunks(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column}, id FROM {table} WHERE {column} IN ({marks})", chunk)
            ids.update(cursor.fetchall())
    return ids


def _ids_by_any(table: str, column: str, values: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, id FROM {table} WHERE {column} = ANY(%s)", [values])
        return dict(cursor.fetchall())


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL COPY FROM STDIN, with psycopg's errors turned into Django's (IntegrityError…)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


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
    keys = list(names_by_key)
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                f"INSERT INTO {table} (name, key) SELECT * FROM unnest(%s::text[], %s::text[]) "
                "ON CONFLICT (key) DO NOTHING",
                [list(names_by_key.values()), keys],
            )
        else:
            # ON CONFLICT works on SQLite >= 3.24.
            cursor.executemany(
                f"INSERT INTO {table} (name, key) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                list(zip(names_by_key.values(), keys, strict=True)),
            )
    return ids_by(table, "key", keys)


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
    postgres = _is_postgres()
    adapt_date = connection.ops.adapt_datefield_value
    category_rows = [
        (paper_id, category, clean.announced_on if postgres else adapt_date(clean.announced_on))
        for paper_id, clean in papers
        for category in clean.categories
    ]
    author_table, category_table = PaperAuthor._meta.db_table, PaperCategory._meta.db_table
    if postgres:
        _copy(author_table, ("paper_id", "author_id", "position"), author_rows)
        _copy(category_table, ("paper_id", "category", "announced_on"), category_rows)
        return author_ids
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {author_table} (paper_id, author_id, position) VALUES (%s, %s, %s)",
            author_rows,
        )
        cursor.executemany(
            f"INSERT INTO {category_table} (paper_id, category, announced_on) VALUES (%s, %s, %s)",
            category_rows,
        )
    return author_ids
