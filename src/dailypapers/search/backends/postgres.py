"""The search backend of PostgreSQL: a tsvector column (postgres_fts.py) and its ranking
(postgres_ranked.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from django.db import transaction
from django.db.backends.utils import CursorWrapper
from django.utils.safestring import SafeString

from dailypapers.lib.query import Query
from dailypapers.search.backends import postgres_ranked
from dailypapers.search.backends.common import Filters, Found, OrderWindow, SearchBackend
from dailypapers.search.backends.postgres_fts import PostgresBackend


class PostgresSearch(SearchBackend):
    keyword_class = PostgresBackend
    keyword: PostgresBackend
    ranked_module = postgres_ranked
    vendor = "postgresql"
    serves_keyword_index = False

    def every_word(
        self, query: Query, filters: Filters, depth: int, order_window: OrderWindow
    ) -> Found:
        # ts_rank_cd has no up-front cost per paper holding a word: plain relevance order.
        return self.keyword.search(query, filters, "relevance", depth, 0, False)

    def snippets(self, query: Query, ids: list[int]) -> dict[int, SafeString]:
        with self.connection.cursor() as cursor:
            return self.keyword._snippets(cursor, query, ids)

    def indexing_inserts_at_end(self) -> AbstractContextManager[list[int]]:
        return nullcontext([])  # PostgreSQL computes its search column as it stores each row

    def repair(self) -> bool:
        return False  # a generated column survives every table change PostgreSQL allows

    def ensure_statistics(self) -> bool:
        return postgres_ranked.ensure_statistics(self.connection)

    @contextmanager
    def read_snapshot(self) -> Iterator[CursorWrapper]:
        """One snapshot for every statement (REPEATABLE READ, read only), else the enclosing
        transaction (tests run inside one)."""
        if self.connection.in_atomic_block:
            with self.connection.cursor() as cursor:
                yield cursor
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cursor
