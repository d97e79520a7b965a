"""The search backend of SQLite: FTS5 (sqlite_fts*.py) and its exact ranking (sqlite_ranked.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db.backends.utils import CursorWrapper
from django.utils.safestring import SafeString

from dailypapers.lib.query import Query
from dailypapers.search.backends import sqlite_fts_schema, sqlite_ranked
from dailypapers.search.backends.common import Filters, Found, OrderWindow, SearchBackend
from dailypapers.search.backends.sqlite_fts import SqliteBackend


class SqliteSearch(SearchBackend):
    vendor = "sqlite"
    serves_keyword_index = True
    keyword_class = SqliteBackend
    ranked_module = sqlite_ranked
    keyword: SqliteBackend

    def every_word(
        self, query: Query, filters: Filters, depth: int, order_window: OrderWindow
    ) -> Found:
        """When too many papers match for BM25 to rank them all, the newest of them are
        ordered by ``order_window`` instead: FTS5's BM25 counts every paper holding each word
        first, the largest part of a hybrid search in a million papers (see SqliteBackend)."""
        return self.keyword.search(query, filters, "relevance", depth, 0, snippets=False,
                                   order_window=order_window)  # fmt: skip

    def snippets(self, query: Query, ids: list[int]) -> dict[int, SafeString]:
        with self.connection.cursor() as cursor:
            return self.keyword._snippets(cursor, query, [(0, pk) for pk in ids])

    def indexing_inserts_at_end(self) -> AbstractContextManager[list[int]]:
        return sqlite_fts_schema.indexing_inserts_at_end(self.connection)

    def repair(self) -> bool:
        return sqlite_fts_schema.repair(self.connection)

    def ensure_statistics(self) -> bool:
        return False  # FTS5 counts the papers holding a word in the index itself

    @contextmanager
    def read_snapshot(self) -> Iterator[CursorWrapper]:
        """A deferred transaction outside any atomic block, else the enclosing transaction
        (tests run inside one). Not Django's atomic (BEGIN IMMEDIATE here, see settings),
        which would hold the write lock and stop every vote and ingest meanwhile."""
        with self.connection.cursor() as cursor:
            if self.connection.in_atomic_block:
                yield cursor
                return
            self.connection.ensure_connection()
            cursor.execute("BEGIN DEFERRED")
            try:
                yield cursor
            finally:
                cursor.execute("ROLLBACK")
