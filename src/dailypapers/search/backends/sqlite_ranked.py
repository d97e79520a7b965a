"""Ranked keyword search on SQLite: BM25 over every paper holding ANY of the query's words,
exact over the whole collection, without ranking every match.

The MATCH is ``("w1" OR "w2" OR … OR "w1 w2 …") AND <quoted phrases, author:, cat:> NOT
<exclusions>``: plain words are optional and ranked, the whole run of plain words as a
phrase ranks papers that hold it in order higher, and the query syntax keeps its meaning.
FTS5's bm25() (title 10, authors 4, abstract 1) is the score; papers holding all the words
and title matches rank higher because each word and the title weight add to it.

FTS5 ranks every match (about 5 µs each): "model" alone matches 67,000 of 91,000 papers.
bm25() is a sum with one term per phrase of the MATCH, each below ``idf × (k1 + 1)`` whatever
the paper (MaxScore). So the rarest words are asked for first: every paper that holds none
of them scores at most the bound of the words left out, and when the k-th best score of
the rarer words' ranking beats that bound (plus the next score), the top k is proven to be
the top k of the full ranking. Otherwise more words are added (four times the papers, at
least one word more), and after ``TRIES`` tries every match is ranked. The page's order
is then read from the full expression over those k papers only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from dailypapers.lib.query import Query
from dailypapers.search.backends import sqlite_fts as fts
from dailypapers.search.backends.common import (
    COUNT_LIMIT,
    MATCH_BUDGET,
    Filters,
    Found,
    within_budget,
)
from dailypapers.search.backends.sqlite_fts_schema import FTS_TABLE, ID_MASK
from dailypapers.search.backends.sqlite_scratch import stems

K1 = 1.2  # FTS5's bm25 constant (fts5_aux.c)
MIN_IDF = 1e-6  # FTS5 clamps the idf of a word in over half the papers to this
# Words are counted up to this many papers: past it, a lower bound is all the proof needs.
COUNT_CAP = 20_000
# The rarer words are taken until their papers add up to this, before the first try.
FIRST_BUDGET = 20_000
# Each try that proves nothing takes four times the papers; after these, every match is ranked.
TRIES = 3


@dataclass(frozen=True, slots=True)
class Part:
    """One optional phrase of the MATCH and how many papers hold it (a lower bound)."""

    fts: str
    papers: int

    def bound(self, total: int) -> float:
        """The most this phrase can add to any paper's score."""
        idf = math.log((total - self.papers + 0.5) / (self.papers + 0.5)) if total else 0.0
        return max(idf, MIN_IDF) * (K1 + 1)


def one_word_per_term(words: list[str]) -> list[str]:
    """One word per index term ("network" and "networks" are one), written as typed: FTS5
    stems a query string itself, and stemming a stem again can change it ("spars")."""
    by_stem: dict[str, str] = {}
    for word in words:
        found = stems([word])
        if found:
            by_stem.setdefault(found[0], word)
    return list(by_stem.values())


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer (as FTS5 writes them) at ``at``: value, next offset."""
    value = 0
    for index in range(8):
        byte = data[at + index]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    return (value << 8) | data[at + 8], at + 9


def indexed_papers(cursor: CursorWrapper) -> int:
    """How many rows the index holds: the first number of FTS5's averages record."""
    cursor.execute(f"SELECT block FROM {FTS_TABLE}_data WHERE id = 1")
    row = cursor.fetchone()
    return _varint(bytes(row[0]), 0)[0] if row and row[0] else 0


def _count(cursor: CursorWrapper, match: str, cap: int) -> int:
    return fts.count_matches(cursor, f"{FTS_TABLE} MATCH %s", [match], cap)


def optional_parts(query: Query, words: list[str]) -> list[str]:
    """The optional phrases: one per index term of ``words`` (the meaningful plain words),
    the run of plain words when it has several, and the quoted phrases.

    A quoted phrase is required and also one of the alternatives, so that a paper holding
    it but none of the plain words still matches (any word, or the phrase, is enough).
    """
    run = query.terms
    parts = [fts._string((word,)) for word in one_word_per_term(words)]
    if len(run) > 1:
        parts.append(fts._string(run))
    if parts:
        parts += [fts._string(phrase.words) for phrase in query.phrases]
    return parts


def _required(query: Query, filters: Filters) -> tuple[str, str]:
    """The required MATCH parts (AND-ed) and the exclusions (NOT …), as strings."""
    required = [fts._string(phrase.words) for phrase in query.phrases]
    required += [fts._column("authors", author) for author in query.authors]
    required += [fts._column("categories", category) for category in filters.categories]
    excluded = "".join(f" NOT {fts._string(p.words)}" for p in query.excluded)
    excluded += "".join(f" NOT {fts._column('authors', a)}" for a in query.excluded_authors)
    excluded += "".join(f" NOT {fts._column('categories', c)}" for c in filters.excluded_categories)
    return " AND ".join(required), excluded


def _expression(optional: list[str], required: str, excluded: str) -> str:
    parts = []
    if optional:
        parts.append("(" + " OR ".join(optional) + ")")
    if required:
        parts.append(required)
    return " AND ".join(parts) + excluded


def search(connection: BaseDatabaseWrapper, query: Query, filters: Filters, words: list[str],
           limit: int, offset: int, snippets: bool) -> Found:  # fmt: skip
    """A page of the BM25 ranking of papers with any of ``words`` (the query's meaningful
    words) that pass the query's required parts and the filters, best first."""
    backend = fts.SqliteBackend(connection)
    optional = optional_parts(query, words)
    required, excluded = _required(query, filters)
    full = _expression(optional, required, excluded)
    if not full.strip() or full.startswith(" NOT"):
        return Found(total=0, ids=[])
    wanted = offset + limit
    with connection.cursor() as cursor:
        total = _count_where(backend, cursor, full, filters)
        if total == 0:
            return Found(total=0, ids=[])
        rows = _top(backend, cursor, query, filters, optional, required, excluded, wanted)
        page = rows[offset:wanted]
        marked = backend._snippets(cursor, query, page) if snippets else {}
    return Found.counted(total, [paper_id for _, paper_id in page], marked)


def _where(
    backend: fts.SqliteBackend, filters: Filters, match: str, rowids: list[int] | None = None
) -> tuple[str, list]:
    where, params = backend._where(Query(), filters)
    params[0] = match
    if rowids is not None:
        where += f" AND {FTS_TABLE}.rowid IN ({', '.join(['%s'] * len(rowids))})"
        params += rowids
    return where, params


def _count_where(
    backend: fts.SqliteBackend, cursor: CursorWrapper, match: str, filters: Filters
) -> int:
    where, params = _where(backend, filters, match)
    return fts.count_matches(cursor, where, params, COUNT_LIMIT + 1)


def _ranked(
    backend: fts.SqliteBackend,
    cursor: CursorWrapper,
    match: str,
    filters: Filters,
    limit: int,
    rowids: list[int] | None = None,
) -> list[tuple[int, int, float]]:
    """(rowid, paper id, score) best first; the score positive, higher better."""
    where, params = _where(backend, filters, match, rowids)
    ids = f"(({FTS_TABLE}.rowid >> 1) & {ID_MASK})"
    cursor.execute(
        f"SELECT {FTS_TABLE}.rowid, {ids}, bm25({FTS_TABLE}, {fts.WEIGHTS}) AS score "
        f"FROM {FTS_TABLE} WHERE {where} ORDER BY score, {FTS_TABLE}.rowid DESC "
        "LIMIT %s",
        [*params, limit],
    )
    return [(rowid, pk, -score) for rowid, pk, score in cursor.fetchall()]


def _top(
    backend: fts.SqliteBackend,
    cursor: CursorWrapper,
    query: Query,
    filters: Filters,
    optional: list[str],
    required: str,
    excluded: str,
    wanted: int,
) -> list[tuple[int, int]]:
    """(rowid, paper id) of the best ``wanted`` papers, exactly as ranking all would."""
    full = _expression(optional, required, excluded)
    if len(optional) < 2:
        return [(rowid, pk) for rowid, pk, _ in _ranked(backend, cursor, full, filters, wanted)]
    papers = indexed_papers(cursor)
    parts = sorted(
        (Part(part, _count(cursor, part, COUNT_CAP)) for part in optional),
        key=lambda part: (part.papers, part.fts),
    )
    # Papers outside the rarer words' ranking may still score through the required parts.
    required_bound = sum(
        Part(part, _count(cursor, part, COUNT_CAP)).bound(papers)
        for part in [fts._string(p.words) for p in query.phrases]
        + [fts._column("authors", a) for a in query.authors]
    )
    taken, spent, budget = 0, 0, FIRST_BUDGET
    for _ in range(TRIES):
        at_least = taken + 1
        while taken < len(parts) and (taken < at_least or spent + parts[taken].papers <= budget):
            spent += parts[taken].papers
            taken += 1
        if taken >= len(parts):
            break
        rest = sum(part.bound(papers) for part in parts[taken:])
        chosen = [part.fts for part in parts[:taken]]
        match = _expression(chosen, required, excluded)
        found = _ranked(backend, cursor, match, filters, wanted + 1)
        if len(found) >= wanted:
            next_score = found[wanted][2] if len(found) > wanted else 0.0
            outside = max(next_score, required_bound) + rest
            if found[wanted - 1][2] > outside * (1 + 1e-9) + 1e-12:
                top = [rowid for rowid, _, _ in found[:wanted]]
                exact = _ranked(backend, cursor, full, filters, wanted, rowids=top)
                return [(rowid, pk) for rowid, pk, _ in exact]
        budget *= 4
    return [(rowid, pk) for rowid, pk, _ in _ranked(backend, cursor, full, filters, wanted)]


def any_words(
    connection: BaseDatabaseWrapper, words: list[str], filters: Filters, depth: int
) -> list[int]:
    """Hybrid search's any-words ranking: BM25 over the rarer of ``words`` (any_words.py)."""
    # The words as typed, one per index term: FTS5 stems a query string itself.
    terms = one_word_per_term(words)
    if not terms:
        return []
    with connection.cursor() as cursor:
        chosen = within_budget([(term, papers_with(cursor, term)) for term in terms], MATCH_BUDGET)
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
        ids = f"(({FTS_TABLE}.rowid >> 1) & {ID_MASK})"
        cursor.execute(
            f"SELECT {ids} FROM {FTS_TABLE} WHERE {where} "
            f"ORDER BY bm25({FTS_TABLE}, {fts.WEIGHTS}), rowid DESC LIMIT %s",
            [*params, depth],
        )
        return [pk for (pk,) in cursor.fetchall()]


def papers_with(cursor: CursorWrapper, stem: str) -> int:
    """How many papers hold ``stem``, counted only up to one past MATCH_BUDGET.

    The vocabulary table (fts5vocab) would give the exact number, but it reads the stem's
    whole list of papers to do so: 30 ms for "model" in a million papers, to learn only
    that it is too common. A word past the budget is left out whatever its exact count.
    """
    # Stems are letters and digits: as FTS5 strings they are plain terms, never syntax.
    return _count(cursor, f'"{stem}"', MATCH_BUDGET + 1)
