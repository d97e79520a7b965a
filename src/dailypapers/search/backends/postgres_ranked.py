"""Ranked keyword search on PostgreSQL: papers holding ANY of the query's words, best first.

The same meaning as on SQLite (sqlite_ranked.py): plain words are optional and ranked, the run
of plain words as a phrase ranks higher, quoted phrases, author:, cat: and exclusions are
required as always. The rank is ts_rank_cd with the keyword backend's weights over the whole
OR-query, so papers holding more of the words, the phrase, or the words in the title rank
higher.

ts_rank_cd reads each candidate's tsvector (often out of line), about 20 µs a paper, and
PostgreSQL has no top-k pruning for it. Candidates are therefore the papers holding the
rarer words, taken rarest first (by ANALYZE's statistics, lexeme_shares()) until their papers
add up to ``CANDIDATE_BUDGET``, the rarest always; all the words when they fit. A paper holding
only words more common than that is ranked only when it also holds a rarer one. This is the
scale-out configuration; the embedded default (SQLite) is exact.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from dailypapers.lib.query import Query
from dailypapers.search.backends import postgres_fts as pg
from dailypapers.search.backends.common import (
    COUNT_LIMIT,
    MATCH_BUDGET,
    PAPER_TABLE,
    Filters,
    Found,
    category_token,
    within_budget,
)

CANDIDATE_BUDGET = 5_000
# Any-words ranking (any_words()): PostgreSQL reads each match's tsvector (often out of line,
# TOASTed) to rank it, about four times SQLite's cost per match, so it ranks fewer.
PG_MATCH_BUDGET = 1_500
# Without ANALYZE's statistics nothing says which words are rare; the longest are the
# likeliest, and a few keep the cost bounded.
WORDS_WITHOUT_STATISTICS = 3
_LEXEME = "to_tsquery('simple'::regconfig, %s)"
_SAFE_LEXEME = re.compile(r"[^\W_]+(?:[.-][^\W_]+)*")


def _lexemes(cursor: CursorWrapper, words: list[str]) -> tuple[list[str], int]:
    """The index's lexemes for these words, and about how many papers there are (one query)."""
    cursor.execute(
        f"SELECT array(SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('{pg.CONFIG}', %s)))),"
        " (SELECT reltuples::bigint FROM pg_class WHERE relname = %s)",
        [" ".join(words), PAPER_TABLE],
    )
    lexemes, papers = cursor.fetchone()
    # Letters and digits, joined by "-" or "." as the parser keeps "gpt-4" or "2503.01234"
    # (typed unquoted, engine.search passes them whole): safe inside '…'.
    return sorted(filter(_SAFE_LEXEME.fullmatch, lexemes)), max(int(papers or 0), 1)


def _candidates(connection: BaseDatabaseWrapper, lexemes: list[str], papers: int) -> list[str]:
    """The rarer lexemes whose papers fit the budget (always the rarest one)."""
    shares = lexeme_shares(connection)
    if not shares:
        return sorted(lexemes, key=lambda lexeme: (-len(lexeme), lexeme))[:3]
    floor = min(shares.values())
    counted = sorted((int(shares.get(lexeme, floor) * papers), lexeme) for lexeme in lexemes)
    chosen: list[str] = []
    spent = 0
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


def search(connection: BaseDatabaseWrapper, query: Query, filters: Filters, words: list[str],
           limit: int, offset: int, snippets: bool) -> Found:  # fmt: skip
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
    params: list[Any] = []
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
    return Found.counted(total, ids, marked)


# -- word statistics and the any-words ranking of hybrid search (search/any_words.py) --------

_common: dict[str, tuple[float, dict[str, float]]] = {}  # database -> (read at, lexeme share)
_COMMON_TTL = 3600.0


def lexeme_shares(connection: BaseDatabaseWrapper) -> dict[str, float]:
    """Share of papers containing each frequent lexeme, from ANALYZE's statistics."""
    key = connection.settings_dict["NAME"]
    found = _common.get(key)
    if found is not None and time.monotonic() - found[0] < _COMMON_TTL:
        return found[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = %s",
            [PAPER_TABLE, pg.VECTOR_COLUMN],
        )
        row = cursor.fetchone()
    shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _common[key] = (time.monotonic(), shares)
    return shares


def any_words(
    connection: BaseDatabaseWrapper, words: list[str], filters: Filters, depth: int
) -> list[int]:
    """Hybrid search's any-words ranking: ts_rank_cd over the rarer of ``words``."""
    shares = lexeme_shares(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('{pg.CONFIG}', %s)))",
            [" ".join(words)],
        )
        lexemes = [lexeme for (lexeme,) in cursor.fetchall()]
        if shares:
            papers = _estimated_papers(cursor)
            # A lexeme missing from the statistics is rarer than the rarest one they list.
            floor = min(shares.values())
            budget = min(PG_MATCH_BUDGET, MATCH_BUDGET)
            chosen = within_budget([(lexeme, int(shares.get(lexeme, floor) * papers))
                                    for lexeme in lexemes], budget)  # fmt: skip
        else:
            chosen = sorted(lexemes, key=lambda lexeme: (-len(lexeme), lexeme))
            chosen = chosen[:WORDS_WITHOUT_STATISTICS]
        if not chosen:
            return []
        # The lexemes are stemmed already: 'simple' keeps them as they are.
        tsquery = " || ".join(["to_tsquery('simple', %s)"] * len(chosen))
        conditions = [f"p.{pg.VECTOR_COLUMN} @@ ({tsquery})"]
        params: list[Any] = [f"'{lexeme}'" for lexeme in chosen]
        listed = f"p.{pg.VECTOR_COLUMN} @@ plainto_tsquery('simple', %s)"
        conditions += [listed] * len(filters.categories)
        conditions += [f"NOT {listed}"] * len(filters.excluded_categories)
        params += [category_token(c) for c in (*filters.categories, *filters.excluded_categories)]
        filter_conditions, filter_params = pg.paper_filter_conditions(filters)
        conditions += filter_conditions
        params += filter_params
        rank = f"ts_rank_cd('{{0, 0.2, 0.4, 1.0}}', p.{pg.VECTOR_COLUMN}, ({tsquery}), 1)"
        with transaction.atomic(using=connection.alias):
            # As in the keyword backend: the GIN index, never a scan of every tsvector.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                f"SELECT p.id FROM {PAPER_TABLE} p WHERE {' AND '.join(conditions)} "
                f"ORDER BY {rank} DESC, p.id DESC LIMIT %s",
                [*params, *params[: len(chosen)], depth],
            )
            found = [pk for (pk,) in cursor.fetchall()]
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
        return found


def ensure_statistics(connection: BaseDatabaseWrapper) -> bool:
    """ANALYZE the papers table if it has no word statistics; True if run."""
    _common.pop(connection.settings_dict["NAME"], None)
    if lexeme_shares(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PAPER_TABLE}")
    _common.pop(connection.settings_dict["NAME"], None)
    return True


def _estimated_papers(cursor: CursorWrapper) -> int:
    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [PAPER_TABLE])
    row = cursor.fetchone()
    return max(int(row[0]) if row else 0, 1)
