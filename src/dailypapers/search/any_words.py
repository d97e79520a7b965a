"""The "any words" keyword ranking used inside hybrid search: BM25 over papers that contain at
least one of the query's distinctive words.

Keyword search proper requires every word, which is right for a search box but finds
nothing for a query worded differently from the paper ("summaries that invent facts" for
a paper on hallucinated statements). Ranking papers that share *some* words finds them,
and is what known-item tests call BM25. Common words are left out of it: each match costs
the ranking a few microseconds, so the words are taken rarest first until their document
frequencies add up to ``MATCH_BUDGET``. A query of only common words still has the
every-word ranking beside this one in the fusion.

SQLite counts the papers holding each word in the index itself, stopping past the budget
(the fts5vocab table of migration 0003 is no longer read: see ``_papers_with``);
PostgreSQL reads document frequencies from the lexeme statistics ANALYZE keeps for the
tsvector column (a word absent from them is rare).
"""

from __future__ import annotations

import time

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.lib.query import Query
from dailypapers.search.backends import PAPER_TABLE, Filters, sqlite_ranked
from dailypapers.search.backends import postgres_fts as pg
from dailypapers.search.backends import sqlite_fts as fts
from dailypapers.search.embedders import is_stop_word

VOCAB_TABLE = "search_paper_fts_vocab"
CREATE_VOCAB = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({fts.FTS_TABLE}, row)"
)
DROP_VOCAB = f"DROP TABLE IF EXISTS {VOCAB_TABLE}"
MATCH_BUDGET = 6_000  # documents matched by the chosen words, added up
# PostgreSQL reads each match's tsvector (often out of line, TOASTed) to rank it: about four
# times SQLite's cost per match, so it ranks fewer.
PG_MATCH_BUDGET = 1_500
# Without ANALYZE's statistics nothing says which words are rare; the longest are the
# likeliest, and a few keep the cost bounded.
WORDS_WITHOUT_STATISTICS = 3
MAX_WORDS = 12


def query_words(query: Query) -> list[str]:
    words = [*query.terms, *(word for phrase in query.phrases for word in phrase.words)]
    seen: dict[str, None] = {}
    for word in words:
        if not is_stop_word(word):
            seen.setdefault(word.lower(), None)
    return list(seen)[:MAX_WORDS]


def ranked_ids(
    connection: BaseDatabaseWrapper, query: Query, filters: Filters, depth: int
) -> list[int]:
    """Paper ids by BM25 over the query's rarer words, best first; [] when none qualify."""
    words = query_words(query)
    if not words:
        return []
    if connection.vendor == "sqlite":
        return _sqlite(connection, words, filters, depth)
    if connection.vendor == "postgresql":
        return _postgres(connection, words, filters, depth)
    return []


# -- SQLite --------------------------------------------------------------------------------


def _within_budget(frequencies: list[tuple[str, int]], budget: int | None = None) -> list[str]:
    budget = MATCH_BUDGET if budget is None else budget
    chosen, spent = [], 0
    for term, count in sorted(frequencies, key=lambda item: (item[1], item[0])):
        if count > budget or spent + count > budget:
            break
        chosen.append(term)
        spent += count
    return chosen


def _sqlite(
    connection: BaseDatabaseWrapper, words: list[str], filters: Filters, depth: int
) -> list[int]:
    # The words as typed, one per index term: FTS5 stems a query string itself.
    terms = sqlite_ranked.one_word_per_term(words)
    if not terms:
        return []
    with connection.cursor() as cursor:
        chosen = _within_budget([(term, _papers_with(cursor, term)) for term in terms])
        if not chosen:
            return []
        # Words are letters and digits: as FTS5 strings they are plain terms, never syntax.
        match = "(" + " OR ".join(f'"{term}"' for term in chosen) + ")"
        where, params = fts.SqliteBackend(connection)._where(Query(), filters)
        rest = params[0].strip()  # the filters' categories, as the keyword backend writes them
        if rest:
            params[0] = f"{match} {rest}" if rest.startswith("NOT ") else f"{match} AND {rest}"
        else:
            params[0] = match
        ids = f"(({fts.FTS_TABLE}.rowid >> 1) & {fts.ID_MASK})"
        cursor.execute(
            f"SELECT {ids} FROM {fts.FTS_TABLE} WHERE {where} "
            f"ORDER BY bm25({fts.FTS_TABLE}, {fts.WEIGHTS}), rowid DESC LIMIT %s",
            [*params, depth],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _papers_with(cursor: object, stem: str) -> int:
    """How many papers hold ``stem``, counted only up to one past MATCH_BUDGET.

    The vocabulary table (fts5vocab) would give the exact number, but it reads the stem's
    whole list of papers to do so: 30 ms for "model" in a million papers, to learn only
    that it is too common. A word past the budget is left out whatever its exact count.
    """
    # Stems are letters and digits: as FTS5 strings they are plain terms, never syntax.
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH %s "
        "LIMIT %s)",
        [f'"{stem}"', MATCH_BUDGET + 1],
    )
    return cursor.fetchone()[0]


# -- PostgreSQL ----------------------------------------------------------------------------

_common: dict[str, tuple[float, dict[str, float]]] = {}  # database -> (read at, lexeme share)
_COMMON_TTL = 3600.0


def _lexeme_shares(connection: BaseDatabaseWrapper) -> dict[str, float]:
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


def _postgres(
    connection: BaseDatabaseWrapper, words: list[str], filters: Filters, depth: int
) -> list[int]:
    shares = _lexeme_shares(connection)
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
            chosen = _within_budget([(lexeme, int(shares.get(lexeme, floor) * papers))
                                     for lexeme in lexemes], budget)  # fmt: skip
        else:
            chosen = sorted(lexemes, key=lambda lexeme: (-len(lexeme), lexeme))
            chosen = chosen[:WORDS_WITHOUT_STATISTICS]
        if not chosen:
            return []
        # The lexemes are stemmed already: 'simple' keeps them as they are.
        tsquery = " || ".join(["to_tsquery('simple', %s)"] * len(chosen))
        conditions = [f"p.{pg.VECTOR_COLUMN} @@ ({tsquery})"]
        params: list[object] = [f"'{lexeme}'" for lexeme in chosen]
        for category in filters.categories:
            conditions.append(f"p.{pg.VECTOR_COLUMN} @@ plainto_tsquery('simple', %s)")
            params.append(fts.category_token(category))
        for category in filters.excluded_categories:
            conditions.append(f"NOT p.{pg.VECTOR_COLUMN} @@ plainto_tsquery('simple', %s)")
            params.append(fts.category_token(category))
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
    """On PostgreSQL, ANALYZE the papers table if it has no word statistics; True if run."""
    if connection.vendor != "postgresql":
        return False
    _common.pop(connection.settings_dict["NAME"], None)
    if _lexeme_shares(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PAPER_TABLE}")
    _common.pop(connection.settings_dict["NAME"], None)
    return True


def _estimated_papers(cursor: object) -> int:
    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [PAPER_TABLE])
    row = cursor.fetchone()
    return max(int(row[0]) if row else 0, 1)
