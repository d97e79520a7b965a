"""The SQLite keyword index's schema: an FTS5 table beside papers_paper, the triggers that keep
it in sync, putting them back after a table rebuild, and indexing bulk inserts in one pass.

Ingest writes papers with executemany and bulk_update, never through model signals, so
triggers on papers_paper are what keeps the index right.

Every filter and the "newest" order are answered inside the index, without reading the wide
papers rows (see sqlite_fts.py for the queries):

- the rowid is not the paper id but ``day << 32 | id << 1 | has_code``, where ``day`` is the
  announcement day in days since 1970 (0 when unknown). FTS5 keeps rows in rowid order, so
  newest-first is its natural order, a date range is a rowid range, and has_code is a bit;
- categories (cross-lists too) are an indexed column of tokens such as ``cs0lg9`` for cs.LG.

"External content" (reading the text back from papers_paper) needs rowid = paper id, so the
index is contentless: it stores no text (88 MB of index for 91,000 papers, no 176 MB copy),
and the triggers forget a row by giving FTS5 the values it indexed, computed from ``old``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.search.backends.common import PAPER_TABLE

FTS_TABLE = "search_paper_fts"
TRIGGERS = ("search_paper_fts_insert", "search_paper_fts_delete", "search_paper_fts_update")
COLUMNS = ("title", "authors", "abstract", "categories")
ID_MASK = (1 << 31) - 1  # paper ids must stay below 2**31 for the rowid layout
DAY_SHIFT = 32
EPOCH = date(1970, 1, 1)

TOKENIZER = "porter unicode61 remove_diacritics 2"
CREATE_TABLE = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    {", ".join(COLUMNS)}, content='', tokenize='{TOKENIZER}'
)"""
# Between two author names: a private-use character, which unicode61 keeps as a token of its
# own. The gap stops the phrase "Geoffrey Hinton" matching the end of one name and the start
# of the next, and no query can ask for it (the parser drops private-use characters).
AUTHOR_SEPARATOR = " \ue002 "


def _rowid(row: str) -> str:
    """SQL for the index rowid of ``row`` (new, old or a table alias); see the module doc."""
    day = f"MAX(COALESCE(CAST(julianday({row}.announced_on) - 2440587.5 AS INTEGER), 0), 0)"
    return f"(({day} << {DAY_SHIFT}) | ({row}.id << 1) | ({row}.has_code != 0))"


def _authors(row: str) -> str:
    # Django writes JSON with \u escapes ("Bal\u00e1zs"); json_each gives the names back.
    names = f"CASE WHEN json_valid({row}.author_names) THEN {row}.author_names ELSE '[]' END"
    return f"(SELECT group_concat(value, '{AUTHOR_SEPARATOR}') FROM json_each({names}))"


def _categories(row: str) -> str:
    tokens = f"replace(replace(replace(lower({row}.categories), '.', '0'), '-', '1'), ' ', '9 ')"
    return f"CASE WHEN {row}.categories = '' THEN '' ELSE {tokens} || '9' END"


def _values(row: str) -> str:
    return f"{_rowid(row)}, {row}.title, {_authors(row)}, {row}.abstract, {_categories(row)}"


def _insert(row: str) -> str:
    return f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) VALUES ({_values(row)});"


def _delete(row: str) -> str:
    # A contentless index forgets a row only when given exactly what it indexed.
    return (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {', '.join(COLUMNS)}) "
        f"VALUES ('delete', {_values(row)});"
    )


CREATE_TRIGGERS = (
    f"CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON {PAPER_TABLE} BEGIN {_insert('new')} END",
    f"CREATE TRIGGER {TRIGGERS[1]} AFTER DELETE ON {PAPER_TABLE} BEGIN {_delete('old')} END",
    # Votes and trending scores update papers all day; only these columns concern the index.
    f"CREATE TRIGGER {TRIGGERS[2]} AFTER UPDATE OF title, author_names, abstract, categories, "
    f"announced_on, has_code ON {PAPER_TABLE} BEGIN {_delete('old')} {_insert('new')} END",
)
# An fts5vocab table over the index (migration 0003). It stores nothing: FTS5 reads it from
# the index. Nothing queries it any more (sqlite_ranked.papers_with counts instead).
VOCAB_TABLE = "search_paper_fts_vocab"
CREATE_VOCAB = f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, row)"
DROP_VOCAB = f"DROP TABLE IF EXISTS {VOCAB_TABLE}"
BACKFILL = (
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"SELECT {_values('p')} FROM {PAPER_TABLE} p"
)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index and its triggers, and index every paper already stored."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        for statement in CREATE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute(BACKFILL)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for trigger in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def repair(connection: BaseDatabaseWrapper) -> bool:
    """Put back triggers a table rebuild dropped, and re-index; True if anything was missing.

    Django's SQLite schema editor rebuilds a table (create, copy, drop, rename) for many
    field changes, and dropping papers_paper drops its triggers with it. Run after every
    migrate (see apps.py), this keeps such a migration from silently freezing the index.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR type = 'trigger'", [FTS_TABLE]
        )
        found = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE not in found or all(trigger in found for trigger in TRIGGERS):
            return False
        for trigger in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in CREATE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        cursor.execute(BACKFILL)
    return True


# SQLite's oldest supported builds allow 999 parameters per statement.
_IDS_PER_STATEMENT = 500


@contextmanager
def indexing_inserts_at_end(connection: BaseDatabaseWrapper) -> Iterator[list[int]]:
    """Index the papers inserted in this block in one statement at its end, not row by row.

    For bulk imports: the insert trigger costs about three times what one INSERT … SELECT
    over the same rows does. The caller adds the ids of the papers it inserts to the list
    this yields. Updates and deletes inside the block still go through their triggers.

    The trigger is dropped inside the caller's transaction and created again before the
    block ends, so a block that raises (its transaction rolls back) or a process that dies
    mid-way leaves the trigger as it was: no committed state ever lacks it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("indexing_inserts_at_end needs an open transaction")
    insert_trigger = TRIGGERS[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [insert_trigger]
        )
        if cursor.fetchone() is None:  # no index (or one repair() will rebuild): nothing to do
            yield []
            return
        cursor.execute(f"DROP TRIGGER {insert_trigger}")
        inserted: list[int] = []
        try:
            yield inserted
            ids = sorted(set(inserted))
            for start in range(0, len(ids), _IDS_PER_STATEMENT):
                chunk = ids[start : start + _IDS_PER_STATEMENT]
                cursor.execute(
                    f"{BACKFILL} WHERE p.id IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
        finally:
            cursor.execute(CREATE_TRIGGERS[0])
