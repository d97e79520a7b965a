"""Keyword search on SQLite: queries over the FTS5 index of sqlite_fts_schema.py, whose
docstring explains the rowid layout (day, paper id, has_code) the filters here rely on.

Every filter and the "newest" order are answered inside the index, without reading the wide
papers rows (about 1.5 kB each: reading them for 30,000 matches takes 200 ms).

snippet() over this index would cost about 0.6 ms a row, because FTS5 reads the whole
doclist of each common word to reach one rowid. Snippets are instead made by the same
snippet() over a scratch in-memory FTS5 table holding only the page's abstracts (0.06 ms a
row, sqlite_scratch.py), with the same tokenizer, so what is marked is exactly what the
index matched.

Ranking every match of a common word costs about 5 µs a match ("model" matches 67,000 of
91,000 papers: 330 ms), so when more than RANK_WINDOW papers match, relevance and trending
order the newest RANK_WINDOW of them, and the results say so.
"""

from __future__ import annotations

from datetime import date

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils.safestring import SafeString

from dailypapers.lib.query import Phrase, Query
from dailypapers.search.backends.common import (
    COUNT_LIMIT,
    PAPER_TABLE,
    RANK_WINDOW,
    Filters,
    Found,
    OrderWindow,
    category_token,
)
from dailypapers.search.backends.sqlite_fts_schema import (
    COLUMNS,
    DAY_SHIFT,
    EPOCH,
    FTS_TABLE,
    ID_MASK,
)
from dailypapers.search.backends.sqlite_scratch import snippets

# bm25 weights in column order: the title counts most, then authors, then the abstract.
WEIGHTS = "10.0, 4.0, 1.0, 0.0"
ABSTRACT_COLUMN = COLUMNS.index("abstract")

# Above this many papers holding the query's words (added up over its words and filters),
# hybrid search orders the every-word matches by meaning rather than by BM25 (search()).
BM25_COUNT_BUDGET = 100_000


def _string(words: tuple[str, ...]) -> str:
    # A double-quoted FTS5 string is always a phrase, never syntax. The words hold only
    # letters, digits and marks, so there is nothing to escape; a quote would be doubled.
    return '"' + " ".join(words).replace('"', '""') + '"'


def _phrases(query: Query) -> list[str]:
    return [_string((word,)) for word in query.terms] + [
        _string(phrase.words) for phrase in query.phrases
    ]


def _column(name: str, phrase: Phrase | str) -> str:
    words = (category_token(phrase),) if isinstance(phrase, str) else phrase.words
    return f"{name} : {_string(words)}"


def match_expression(query: Query, filters: Filters) -> str:
    """The MATCH string: each part and category required, exclusions NOTed."""
    required = _phrases(query)
    required += [_column("authors", author) for author in query.authors]
    required += [_column("categories", category) for category in filters.categories]
    expression = " AND ".join(required)
    for phrase in query.excluded:
        expression += f" NOT {_string(phrase.words)}"
    for author in query.excluded_authors:
        expression += f" NOT {_column('authors', author)}"
    for category in filters.excluded_categories:
        expression += f" NOT {_column('categories', category)}"
    return expression


def count_matches(cursor: CursorWrapper, where: str, params: list, cap: int) -> int:
    """How many index rows pass ``where``, counted only up to ``cap``: past it the exact
    number helps nobody and costs a read of every match."""
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {where} LIMIT %s)", [*params, cap]
    )
    return cursor.fetchone()[0]


def _day(day: date) -> int:
    return (day - EPOCH).days


class SqliteBackend:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def _where(self, query: Query, filters: Filters, floor: int | None = None) -> tuple[str, list]:
        conditions = [f"{FTS_TABLE} MATCH %s"]
        params: list = [match_expression(query, filters)]
        low = high = None
        if filters.date_from or filters.date_to:
            # Papers with no known day (day 0) never fall in a date range.
            low = max(_day(filters.date_from) if filters.date_from else 1, 1) << DAY_SHIFT
            if filters.date_to:
                high = ((_day(filters.date_to) + 1) << DAY_SHIFT) - 1
        if floor is not None:
            low = max(low or floor, floor)
        if low is not None:
            conditions.append(f"{FTS_TABLE}.rowid >= %s")
            params.append(low)
        if high is not None:
            conditions.append(f"{FTS_TABLE}.rowid <= %s")
            params.append(high)
        if filters.has_code is not None:
            conditions.append(f"({FTS_TABLE}.rowid & 1) = %s")
            params.append(int(filters.has_code))
        return " AND ".join(conditions), params

    def search(
        self,
        query: Query,
        filters: Filters,
        sort: str,
        limit: int,
        offset: int,
        snippets: bool,
        order_window: OrderWindow | None = None,
    ) -> Found:
        """A page of matches. ``order_window``, for relevance only: when more than
        RANK_WINDOW papers match, it orders the newest RANK_WINDOW of them instead of BM25,
        and it orders all the matches when BM25 would be costly (BM25_COUNT_BUDGET).

        BM25 weighs each word by how many papers contain it, and FTS5 counts those papers
        again for every query, before ranking a single row: about 40 ns a paper, so 30 ms
        for "model" in a million papers however few rows match every word. Hybrid search
        passes an order by meaning here (its other rankings hold BM25 of the rarer words).
        """
        where, params = self._where(query, filters)
        ids = f"(({FTS_TABLE}.rowid >> 1) & {ID_MASK})"
        with self.connection.cursor() as cursor:
            # Counting reads doclists only.
            total = count_matches(cursor, where, params, COUNT_LIMIT + 1)
            windowed = False
            if (
                sort == "relevance"
                and order_window is not None
                and (total > RANK_WINDOW or self._costly_to_rank(cursor, query, filters))
            ):
                cursor.execute(
                    f"SELECT rowid, {ids} FROM {FTS_TABLE} WHERE {where} ORDER BY rowid DESC "
                    "LIMIT %s",
                    [*params, RANK_WINDOW],
                )
                newest = [paper_id for _, paper_id in cursor.fetchall()]
                page = order_window(newest)[offset : offset + limit]
                return Found(
                    total=min(total, COUNT_LIMIT),
                    ids=page,
                    snippets=self._snippets(cursor, query, [(0, pk) for pk in page])
                    if snippets
                    else {},
                    total_capped=total > COUNT_LIMIT,
                    ranked_window=RANK_WINDOW if total > RANK_WINDOW else 0,
                )
            if sort != "newest" and total > RANK_WINDOW:
                cursor.execute(
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {where} ORDER BY rowid DESC "
                    "LIMIT 1 OFFSET %s",
                    [*params, RANK_WINDOW - 1],
                )
                cutoff = cursor.fetchone()
                if cutoff is not None:  # None only if papers were deleted meanwhile
                    where, params = self._where(query, filters, floor=cutoff[0])
                    windowed = True
            if sort == "newest":
                sql = f"SELECT rowid, {ids} FROM {FTS_TABLE} WHERE {where} ORDER BY rowid DESC"
            elif sort == "relevance":
                sql = (
                    f"SELECT rowid, {ids} FROM {FTS_TABLE} WHERE {where} "
                    f"ORDER BY bm25({FTS_TABLE}, {WEIGHTS}), rowid DESC"
                )
            else:  # trending: only these rows are read from the papers table
                sql = (
                    f"SELECT {FTS_TABLE}.rowid, p.id FROM {FTS_TABLE} JOIN {PAPER_TABLE} p "
                    f"ON p.id = {ids} WHERE {where} ORDER BY p.trending_score DESC, "
                    f"p.upvote_count DESC, {FTS_TABLE}.rowid DESC"
                )
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            rows = cursor.fetchall()
            marked = self._snippets(cursor, query, rows) if snippets else {}
        return Found(
            total=min(total, COUNT_LIMIT),
            ids=[paper_id for _, paper_id in rows],
            snippets=marked,
            total_capped=total > COUNT_LIMIT,
            ranked_window=RANK_WINDOW if windowed else 0,
        )

    def _costly_to_rank(self, cursor: CursorWrapper, query: Query, filters: Filters) -> bool:
        """True when BM25 would first count more than BM25_COUNT_BUDGET papers (see search()).

        Each part of the MATCH is counted only as far as the budget left, so the check
        itself reads at most that many entries.
        """
        parts = _phrases(query)
        parts += [_column("authors", author) for author in query.authors]
        parts += [_column("categories", category) for category in filters.categories]
        parts += [_column("categories", category) for category in filters.excluded_categories]
        left = BM25_COUNT_BUDGET
        for part in parts:
            left -= count_matches(cursor, f"{FTS_TABLE} MATCH %s", [part], left + 1)
            if left < 0:
                return True
        return False

    def _snippets(
        self, cursor: CursorWrapper, query: Query, rows: list[tuple[int, int]]
    ) -> dict[int, SafeString]:
        phrases = _phrases(query)
        if not phrases or not rows:
            return {}
        ids = [paper_id for _, paper_id in rows]
        cursor.execute(
            f"SELECT id, abstract FROM {PAPER_TABLE} WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        return snippets(" OR ".join(phrases), cursor.fetchall())
