"""A private in-memory SQLite database per thread, with FTS5 tables of the index's tokenizer:
FTS5's own functions run there over a few rows, where over the index they would cost far more.

Each call fills its table inside a transaction and rolls it back, which empties the table
again at no cost (deleting FTS5 rows re-reads them). One connection per thread, as sqlite3
requires.
"""

from __future__ import annotations

import sqlite3
import threading

from django.utils.safestring import SafeString

from dailypapers.search.backends.common import ELLIPSIS, MARK_END, MARK_START, marked_to_html
from dailypapers.search.backends.sqlite_fts_schema import TOKENIZER

SNIPPET_TOKENS = 36  # FTS5 allows up to 64

_scratch = threading.local()


def _connection() -> sqlite3.Connection:
    connection = getattr(_scratch, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:", isolation_level=None)
        connection.execute(
            f"CREATE VIRTUAL TABLE page USING fts5(abstract, tokenize='{TOKENIZER}')"
        )
        connection.execute(f"CREATE VIRTUAL TABLE q USING fts5(a, tokenize='{TOKENIZER}')")
        connection.execute("CREATE VIRTUAL TABLE qv USING fts5vocab(q, instance)")
        _scratch.connection = connection
    return connection


def snippets(match: str, abstracts: list[tuple[int, str]]) -> dict[int, SafeString]:
    """The best passage of each abstract for this MATCH string, matched words marked.

    snippet() over a table of just these abstracts: see sqlite_fts.py for why.
    """
    connection = _connection()
    connection.execute("BEGIN")
    try:
        connection.executemany("INSERT INTO page(rowid, abstract) VALUES (?, ?)", abstracts)
        found = connection.execute(
            f"SELECT rowid, snippet(page, 0, ?, ?, ?, {SNIPPET_TOKENS}) FROM page "
            "WHERE page MATCH ?",
            [MARK_START, MARK_END, ELLIPSIS, match],
        ).fetchall()
    finally:
        connection.execute("ROLLBACK")
    return {paper_id: marked_to_html(text) for paper_id, text in found if text}


def stems(words: list[str]) -> list[str]:
    """The index's own terms for these words (the porter stemmer), in the same order."""
    connection = _connection()
    connection.execute("BEGIN")
    try:
        connection.executemany(
            "INSERT INTO q(rowid, a) VALUES (?, ?)", list(enumerate(words, start=1))
        )
        rows = connection.execute("SELECT doc, term FROM qv ORDER BY doc, offset").fetchall()
    finally:
        connection.execute("ROLLBACK")
    found: dict[str, None] = {}
    for _, term in rows:
        found.setdefault(term, None)
    return list(found)
