"""Ranked keyword search on PostgreSQL: papers holding ANY of the query's words, best first.

The same meaning as on SQLite (sqlite_ranked.py): plain words are optional and ranked, the run
of plain words as a phrase ranks higher, quoted phrases, author:, cat: and exclusions are
required as always. The rank is ts_rank_cd with the keyword backend's weights over the whole
OR-query, so papers holding more of the words, the phrase, or the words in the title rank
higher.

ts_rank_cd reads each candidate's tsvector (often out of line), about 20 µs a paper, and
PostgreSQL has no top-k pruning for it. Candidates are therefore the papers holding the
rarer words, taken rarest first (by ANALYZE's statistics, any_words.py) until their papers
add up to ``CANDIDATE_BUDGET``, the rarest always; all the words when they fit. A paper holding
only words more common than that is ranked only when it also holds a rarer one. This is the
scale-out configuration; the embedded default (SQLite) is exact.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.lib.query import Query
from dailypapers.search import any_words
from dailypapers.search.backends import COUNT_LIMIT, PAPER_TABLE, Filters, Found
from dailypapers.search.backends import postgres_fts as pg

CANDIDATE_BUDGET = 5_000
_LEXEME = "to_tsquery('simple'::regconfig, %s)"


def _lexemes(cursor: object, words: list[str]) -> tuple[list[str], int]:
    """The index's lexemes for these words, and about how many papers there are (one query)."""
    cursor.execute(
        f"SELECT array(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('{pg.CONFIG}', %s)))),"
        " (SELECT reltuples::bigint FROM pg_class WHERE relname = %s)",
        [" ".join(words), PAPER_TABLE],
    )
    lexemes, papers = cursor.fetchone()
    # Lexemes of letters and digits only (the parser's words): safe inside '…'.
    return sorted(lexeme for lexeme in lexemes if lexeme.isalnum()), max(int(papers or 0), 1)


def _candidates(connection: BaseDatabaseWrapper, lexemes: list[str], papers: int) -> list[str]:
    """The rarer lexemes whose papers fit the budget (always the rarest one)."""
    shares = any_words._lexeme_shares(connection)
    if not shares:
        return sorted(lexemes, key=lambda lexeme: (-len(lexeme), lexeme))[:3]
    floor = min(shares.values())
    counted = sorted((int(shares.get(lexeme, floor) * papers), lexeme) for lexeme in lexemes)
    chosen, spent = [], 0
    for count, lexeme in counted:
        if chosen and spent + count > CANDIDATE_BUDGET:
            break
        chosen.append(lexeme)
        spent += count
    return chosen


def _any(lexemes: list[str], runs: list[str]) -> tuple[str, list[str]]:
    """Any of these lexemes or phrases (a quoted phrase is an alternative too, as on SQLite)."""
    parts = [_LEXEME] * len(lexemes) + [pg._PHRASE] * len(runs)
    params = [f"'{lexeme}'" for lexeme in lexemes] + runs
    return "(" + " || ".join(parts) + ")", params


def search(
    connection: BaseDatabaseWrapper,
    query: Query,
    filters: Filters,
    words: list[str],
    limit: int,
    offset: int,
    snippets: bool,
) -> Found:
    required_query = replace(query, terms=())
    with connection.cursor() as cursor:
        lexemes, papers = _lexemes(cursor, words)
    has_required = bool(query.phrases or query.authors)
    if not lexemes and not has_required:
        return Found(total=0, ids=[])
    phrases = [phrase.text for phrase in query.phrases]
    runs = [" ".join(query.terms)] if len(query.terms) > 1 else []
    ranked_sql, ranked_params = _any(lexemes, runs + phrases)
    chosen = _candidates(connection, lexemes, papers) if lexemes else []
    conditions: list[str] = []
    params: list[object] = []
    ts = pg.tsquery(required_query, filters)
    if has_required or filters.categories:
        conditions.append(f"p.{pg.VECTOR_COLUMN} @@ {ts.required_sql}")
        params += ts.required_params
    excluded = [*query.excluded, *query.excluded_authors, *filters.excluded_categories]
    if excluded:
        # The whole tsquery holds the required parts again: harmless, and it keeps one builder.
        conditions.append(f"p.{pg.VECTOR_COLUMN} @@ {ts.sql}")
        params += ts.params
    filter_conditions, filter_params = pg.paper_filter_conditions(filters)
    conditions += filter_conditions
    params += filter_params
    rank = f"ts_rank_cd('{{0, 0.2, 0.4, 1.0}}', p.{pg.VECTOR_COLUMN}, {ranked_sql}, 1)"
    if lexemes:
        rank_params = ranked_params
        every = [f"p.{pg.VECTOR_COLUMN} @@ {ranked_sql}", *conditions]
        every_params = [*ranked_params, *params]
        some_sql, some_params = _any(chosen, phrases)
        pool = [f"p.{pg.VECTOR_COLUMN} @@ {some_sql}", *conditions]
        pool_params = [*some_params, *params]
    else:
        ts_all = pg.tsquery(required_query, filters)
        rank = f"ts_rank_cd('{{0, 0.2, 0.4, 1.0}}', p.{pg.VECTOR_COLUMN}, {ts_all.sql}, 1)"
        rank_params = ts_all.params
        every, every_params, pool, pool_params = conditions, params, conditions, params
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # As in the keyword backend: the GIN index, never a scan of every tsvector.
        cursor.execute("SET LOCAL enable_seqscan = off")
        count = (
            f"SELECT count(*) FROM (SELECT 1 FROM {PAPER_TABLE} p WHERE {' AND '.join(every)} "
            "LIMIT %s) m"
        )
        # The count rides along with the page (one round trip); alone only past the end.
        cursor.execute(
            f"SELECT p.id, ({count}) FROM {PAPER_TABLE} p WHERE {' AND '.join(pool)} "
            f"ORDER BY {rank} DESC, p.id DESC LIMIT %s OFFSET %s",
            [*every_params, COUNT_LIMIT + 1, *pool_params, *rank_params, limit, offset],
        )
        rows = cursor.fetchall()
        ids = [pk for pk, _ in rows]
        if rows:
            total = rows[0][1]
        else:
            cursor.execute(count, [*every_params, COUNT_LIMIT + 1])
            total = cursor.fetchone()[0]
        marked = pg.PostgresBackend(connection)._snippets(cursor, query, ids) if snippets else {}
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return Found(
        total=min(total, COUNT_LIMIT), ids=ids, snippets=marked, total_capped=total > COUNT_LIMIT
    )
