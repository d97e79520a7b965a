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
(the fts5vocab table of migration 0003 is no longer read: see
``sqlite_ranked.papers_with``); PostgreSQL reads document frequencies from the lexeme
statistics ANALYZE keeps for the tsvector column (a word absent from them is rare). Both
live in the search backends (backends/sqlite_ranked.py, backends/postgres_ranked.py).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from dailypapers.lib.query import Query
from dailypapers.search import backends
from dailypapers.search.backends.common import Filters
from dailypapers.search.embedders import is_stop_word

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
    backend = backends.current(connection)
    return backend.any_words(words, filters, depth) if backend is not None else []
