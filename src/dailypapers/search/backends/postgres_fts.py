"""Keyword search on PostgreSQL: a weighted tsvector column on papers_paper with a GIN index.

The column is GENERATED ... STORED, so PostgreSQL itself recomputes it for every INSERT and
UPDATE, including the ingest's executemany and bulk_update. Weights: A title, B authors,
C abstract, and D category tokens ("cs0lg9" for cs.LG, as on SQLite), so a category filter
is answered by the same GIN index as the words. Queries are built from the parsed structure
only: each part goes through ``phraseto_tsquery``, which reads plain text, so nothing a
person types is ever read as tsquery syntax.

A later migration that changes the type of title, abstract, author_names or categories must
drop this column first (PostgreSQL refuses to alter a column a generated column uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils.safestring import SafeString

from dailypapers.lib.query import Phrase, Query, words_of
from dailypapers.search.backends.common import (
    COUNT_LIMIT,
    ELLIPSIS,
    MARK_END,
    MARK_START,
    PAPER_TABLE,
    RANK_WINDOW,
    Filters,
    Found,
    category_token,
    marked_to_html,
)

CONFIG = "english"
VECTOR_COLUMN = "search_vector"
INDEX_NAME = "search_paper_vector_idx"
_CATEGORY_TOKENS = (
    r"regexp_replace(replace(replace(lower(coalesce(categories, '')), '.', '0'), '-', '1'), "
    r"'(\S+)', '\19', 'g')"
)
# jsonb_to_tsvector leaves a gap between list items, so a phrase never spans two authors.
VECTOR = f"""
    setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(title, '')), 'A')
    || setweight(jsonb_to_tsvector('{CONFIG}'::regconfig, coalesce(author_names, '[]'::jsonb),
                                   '["string"]'), 'B')
    || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(abstract, '')), 'C')
    || setweight(to_tsvector('simple'::regconfig, {_CATEGORY_TOKENS}), 'D')"""

HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
    f'MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
)

_PHRASE = f"phraseto_tsquery('{CONFIG}'::regconfig, %s)"
_CATEGORY = "plainto_tsquery('simple'::regconfig, %s)"
# Restrict each lexeme of a phrase to weight B (authors). tsquery has no function for this,
# so the tsquery's own text output is edited: lexemes print as 'quoted' strings with '' and
# \\ escapes, and the pattern reads those escapes whole.
_AUTHOR = (
    rf"regexp_replace({_PHRASE}::text, '''((?:[^''\\]|''''|\\.)+)''', '''\1'':B', 'g')::tsquery"
)

CREATE = (
    f"ALTER TABLE {PAPER_TABLE} ADD COLUMN {VECTOR_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({VECTOR}) STORED",
    f"CREATE INDEX {INDEX_NAME} ON {PAPER_TABLE} USING gin ({VECTOR_COLUMN})",
)
DROP = (
    f"DROP INDEX IF EXISTS {INDEX_NAME}",
    f"ALTER TABLE {PAPER_TABLE} DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
)


def install(connection: BaseDatabaseWrapper) -> None:
    """Add the column (PostgreSQL fills it for every stored paper) and its index."""
    with connection.cursor() as cursor:
        for statement in CREATE:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


def _author_words(phrase: Phrase) -> str:
    # Letters and digits only: lexemes then never need the escapes _AUTHOR copes with.
    return " ".join(phrase.words)


@dataclass(frozen=True, slots=True)
class TsQuery:
    """SQL for a tsquery and its parameters; ``required`` leaves the exclusions out."""

    sql: str
    params: list[str]
    required_sql: str
    required_params: list[str]


def tsquery(query: Query, filters: Filters) -> TsQuery:
    """Every part and category required, exclusions negated.

    The required part is kept apart so callers can refuse a query whose required words were
    all stop words ("the -survey"): a negation alone would match nearly every paper.
    """
    required: list[str] = []
    params: list[str] = []
    for text in (*query.terms, *(phrase.text for phrase in query.phrases)):
        required.append(_PHRASE)
        params.append(text)
    for author in query.authors:
        required.append(_AUTHOR)
        params.append(_author_words(author))
    for category in filters.categories:
        required.append(_CATEGORY)
        params.append(category_token(category))
    required_params = list(params)
    excluded: list[str] = []
    for phrase in query.excluded:
        excluded.append(f"!! {_PHRASE}")
        params.append(phrase.text)
    for author in query.excluded_authors:
        excluded.append(f"!! {_AUTHOR}")
        params.append(_author_words(author))
    for category in filters.excluded_categories:
        excluded.append(f"!! {_CATEGORY}")
        params.append(category_token(category))
    return TsQuery(
        sql="(" + " && ".join([*required, *excluded]) + ")",
        params=params,
        required_sql="(" + " && ".join(required) + ")",
        required_params=required_params,
    )


def _rank(ts: TsQuery) -> str:
    # Weights in the order D, C, B, A: categories do not rank. Normalisation 1 divides by
    # the log of the document length, so a long abstract does not win by repetition alone.
    return f"ts_rank_cd('{{0, 0.2, 0.4, 1.0}}', p.{VECTOR_COLUMN}, {ts.sql}, 1)"


def paper_filter_conditions(filters: Filters) -> tuple[list[str], list[Any]]:
    """SQL conditions on the papers table aliased ``p`` for the date range and has_code."""
    conditions: list[str] = []
    params: list[Any] = []
    if filters.date_from is not None:
        conditions.append("p.announced_on >= %s")
        params.append(filters.date_from)
    if filters.date_to is not None:
        conditions.append("p.announced_on <= %s")
        params.append(filters.date_to)
    if filters.has_code is not None:
        conditions.append("p.has_code = %s")
        params.append(filters.has_code)
    return conditions, params


# Last key of every order is unique, so pages never shuffle between requests.
_ORDERS = {
    "newest": "p.announced_on DESC NULLS LAST, p.id DESC",
    "trending": "p.trending_score DESC, p.upvote_count DESC, p.id DESC",
}


class PostgresBackend:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def _where(self, ts: TsQuery, filters: Filters) -> tuple[str, list]:
        # Both tsqueries are constants the planner folds, so the GIN index serves them.
        conditions = [f"numnode({ts.required_sql}) > 0", f"p.{VECTOR_COLUMN} @@ {ts.sql}"]
        params: list = [*ts.required_params, *ts.params]
        filter_conditions, filter_params = paper_filter_conditions(filters)
        return " AND ".join([*conditions, *filter_conditions]), [*params, *filter_params]

    def search(
        self, query: Query, filters: Filters, sort: str, limit: int, offset: int, snippets: bool
    ) -> Found:
        ts = tsquery(query, filters)
        where, where_params = self._where(ts, filters)
        newest = _ORDERS["newest"]
        # One pass over the matching rows: the count comes from the rows the sort reads
        # anyway, so it costs nothing more (the heap rows, not the index, are the cost here).
        if sort == "newest":
            sql = (
                f"SELECT p.id, count(*) OVER () FROM {PAPER_TABLE} p WHERE {where} "
                f"ORDER BY {newest} LIMIT %s OFFSET %s"
            )
            params = [*where_params, limit, offset]
        else:  # the newest RANK_WINDOW matches (all, when fewer), then ordered
            columns = f"p.id, p.announced_on, p.trending_score, p.upvote_count, p.{VECTOR_COLUMN}"
            window = (
                f"SELECT {columns}, count(*) OVER () AS total FROM {PAPER_TABLE} p "
                f"WHERE {where} ORDER BY {newest} LIMIT %s"
            )
            order, order_params = (
                (f"{_rank(ts)} DESC, p.id DESC", ts.params)
                if sort == "relevance"
                else (_ORDERS[sort], [])
            )
            sql = f"SELECT p.id, p.total FROM ({window}) p ORDER BY {order} LIMIT %s OFFSET %s"
            params = [*where_params, RANK_WINDOW, *order_params, limit, offset]
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            # The planner prices a sequential scan by pages, not by the cost of reading every
            # paper's TOASTed tsvector for @@ (1.2 s for a common word, against tens of ms
            # through the GIN index). Within this transaction only, it must use the index.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            total = rows[0][1] if rows else 0
            if not rows and offset:  # past the last page: the count still matters
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {PAPER_TABLE} p WHERE {where} "
                    "LIMIT %s) m",
                    [*where_params, COUNT_LIMIT + 1],
                )
                total = cursor.fetchone()[0]
            ids = [pk for pk, _ in rows]
            marked = self._snippets(cursor, query, ids) if snippets else {}
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")  # for an enclosing transaction
        windowed = sort != "newest" and total > RANK_WINDOW
        return Found(
            total=min(total, COUNT_LIMIT),
            ids=ids,
            snippets=marked,
            total_capped=total > COUNT_LIMIT,
            ranked_window=RANK_WINDOW if windowed else 0,
        )

    def _snippets(
        self, cursor: CursorWrapper, query: Query, ids: list[int]
    ) -> dict[int, SafeString]:
        """The best passages of each abstract, with the searched words marked."""
        texts = [*query.terms, *(phrase.text for phrase in query.phrases)]
        if not texts or not ids:
            return {}
        words = " || ".join([_PHRASE] * len(texts))
        cursor.execute(
            f"SELECT id, abstract, ts_headline('{CONFIG}'::regconfig, abstract, ({words}), %s) "
            f"FROM {PAPER_TABLE} WHERE id = ANY(%s)",
            [*texts, HEADLINE_OPTIONS, list(ids)],
        )
        return {int(pk): _with_ellipses(abstract, headline)
                for pk, abstract, headline in cursor.fetchall() if headline}  # fmt: skip


def _with_ellipses(abstract: str, headline: str) -> SafeString:
    """Show where the passage was cut out of the abstract, as SQLite's snippet() does.

    Words are compared, not characters: ts_headline drops punctuation at the edges (and
    anything that looks like an HTML tag).
    """
    passage = words_of(headline.replace(MARK_START, "").replace(MARK_END, ""))
    whole = words_of(abstract)
    if passage[:3] != whole[:3]:
        headline = f"{ELLIPSIS} {headline}"
    if passage[-3:] != whole[-3:]:
        headline = f"{headline} {ELLIPSIS}"
    return marked_to_html(headline)
