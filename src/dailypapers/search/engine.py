"""Search papers: one entry point whatever the database, answering with ids in order.

``search()`` parses the query (lib/query.py), turns filters into a ``Filters`` and asks the
keyword backend of the database in use: FTS5 on SQLite, a tsvector on PostgreSQL. When
semantic search is on (semantic.py), relevance-sorted plain-word queries are answered in
``hybrid`` mode: the keyword and the semantic rankings fused (hybrid.py, fusion.py). Callers
load the papers themselves (see views.py), so a page decides which columns it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.safestring import SafeString

from dailypapers.lib.query import Query, QueryError, canonical_category, is_stop_word, parse
from dailypapers.search import any_words, backends, hybrid, keyword_index, keyword_tasks, semantic
from dailypapers.search.backends.common import COUNT_LIMIT, Filters, SearchBackend
from dailypapers.search.hybrid import can_rank_by_meaning

SORTS = ("relevance", "newest", "trending")
MODES = ("keyword", "semantic", "hybrid")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# Deep pages cost a sort of every match and nobody reads them.
MAX_RESULTS = 1000
ONLY_COMMON_WORDS = (
    "Every word of this search is too common to rank papers by (such as “the” or “of”): "
    "add a word that says what the papers are about."
)


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int = 0  # every match, not only this page (counting stops at COUNT_LIMIT)
    papers: list[int] = field(default_factory=list)  # paper ids of this page, in order
    snippets: dict[int, SafeString] = field(default_factory=dict)  # id -> escaped HTML
    error: str = ""  # for the person who searched; nothing was searched when set
    notes: tuple[str, ...] = ()  # things worth knowing about how the query was read
    query: Query | None = None
    sort: str = "relevance"  # the order used ("relevance" needs words to rank by)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    searched: bool = False  # False when there was nothing to search for, or an error
    total_capped: bool = False  # more than COUNT_LIMIT matched; total is COUNT_LIMIT
    mode: str = "keyword"  # how the results were ranked (see MODES)
    ranked_window: int = 0  # when not 0, only the newest this many matches were ordered


def _filters(
    query: Query,
    category: str | None,
    date_from: date | None,
    date_to: date | None,
    has_code: bool | None,
) -> Filters:
    categories = list(query.categories)
    if category:
        canonical = canonical_category(category)
        if canonical is None:
            raise QueryError(f"“{category}” is not an arXiv category; choose one like cs.LG.")
        if canonical not in categories:
            categories.append(canonical)
    if date_from and date_to and date_from > date_to:
        raise QueryError("The “from” date is after the “to” date.")
    return Filters(
        categories=tuple(categories),
        excluded_categories=query.excluded_categories,
        date_from=date_from,
        date_to=date_to,
        has_code=has_code,
    )


def search(
    query: str,
    *,
    category: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    has_code: bool | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    using: str = DEFAULT_DB_ALIAS,
    mode: str | None = None,
) -> SearchResults:
    """Search papers. Problems with the query come back in ``error``; nothing raises for them.

    A query that asks for nothing (blank, or only notes such as a lone "OR") gives no results
    and no error. With no words to rank by, "relevance" falls back to "newest". ``mode``
    None picks hybrid where it can (semantic search on, relevance order, plain words) and
    keyword elsewhere; "semantic" or "hybrid" asked for where they cannot run give keyword
    results with a note saying why.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    if mode is not None and mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    try:
        parsed = parse(query)
        filters = _filters(parsed, category, date_from, date_to, has_code)
    except QueryError as error:
        return SearchResults(error=str(error), sort=sort, page=page, per_page=per_page)
    if not parsed.has_text and sort == "relevance":
        sort = "newest"
    base = SearchResults(query=parsed, notes=parsed.notes, sort=sort, page=page,
                         per_page=per_page)  # fmt: skip
    if parsed.is_empty and not filters.categories:
        return base
    offset = (page - 1) * per_page
    if offset >= MAX_RESULTS:
        return replace(base, error=f"Results stop at {MAX_RESULTS:,}: narrow the search down.")
    backend = backends.current(connections[using])
    if backend is None:
        return replace(base, error="Search is not available on this database.")
    limit = min(per_page, MAX_RESULTS - offset)
    mode, why_not = _mode(mode, parsed, sort)
    if why_not:
        base = replace(base, notes=(*base.notes, why_not))
    if mode != "keyword":
        return _by_meaning(base, parsed, filters, mode, limit, offset, using, backend)
    if sort == "relevance" and parsed.has_words:
        ranking = parsed.for_ranking()  # "white-noise" typed without quotes: two plain words
        words = meaningful_words(ranking)
        if not words and not (ranking.phrases or ranking.authors):
            return replace(base, error=ONLY_COMMON_WORDS)
        connection = connections[using]
        found = None
        if keyword_index.enabled(connection):
            found = keyword_index.search(connection, ranking, filters, words, limit, offset, True)
            if found is None:
                keyword_tasks.request_rebuild(connection)
        if found is None:  # PostgreSQL, or the index is off or not in step with the database
            # PostgreSQL's parser keeps "GPT-4" or "2503.01234" as a lexeme of its own (beside
            # the parts): the compound as typed among the words finds it. FTS5 reads only its
            # first stem, which the parts already hold.
            compounds = [phrase.text for phrase in parsed.phrases if not phrase.quoted]
            found = backend.ranked(
                ranking, filters, [*words, *compounds], limit=limit, offset=offset, snippets=True
            )
    else:
        found = backend.search(parsed, filters, sort, limit, offset, snippets=parsed.has_words)
    notes = base.notes
    if found.ranked_window:
        notes += (
            f"So many papers match that {sort} orders only the newest {found.ranked_window:,} "
            "of them: add words or filters to narrow the search down.",
        )
    return replace(
        base,
        total=found.total,
        total_capped=found.total_capped,
        papers=found.ids,
        snippets=found.snippets,
        notes=notes,
        searched=True,
        ranked_window=found.ranked_window,
    )


def meaningful_words(query: Query) -> list[str]:
    """The plain words that rank papers: stop words left out, each once, in typed order."""
    seen: dict[str, None] = {}
    for word in query.terms:
        if not is_stop_word(word):
            seen.setdefault(word.lower(), None)
    return list(seen)


def _mode(asked: str | None, parsed: Query, sort: str) -> tuple[str, str]:
    """The mode to run and, when it is not the one asked for, a note saying why."""
    if asked == "keyword":
        return "keyword", ""
    possible = semantic.semantic_enabled() and can_rank_by_meaning(parsed)
    if asked is None:
        return ("hybrid" if possible and sort == "relevance" else "keyword"), ""
    if not semantic.semantic_enabled():
        return "keyword", "Semantic search is off on this server: keyword results shown."
    if not possible:
        return "keyword", (
            "Ranking by meaning needs plain words (no author: or -exclusions): "
            "keyword results shown."
        )
    return asked, ""


def _by_meaning(
    base: SearchResults,
    parsed: Query,
    filters: Filters,
    mode: str,
    limit: int,
    offset: int,
    using: str,
    backend: SearchBackend,
) -> SearchResults:
    """Semantic or hybrid results; ranked by relevance whatever the sort asked."""
    depth = min(max(hybrid.POOL, offset + limit), MAX_RESULTS)
    meaning = hybrid.semantic_ids(parsed, filters, depth)
    if mode == "semantic":
        ranked, total = meaning, len(meaning)
    else:
        found = hybrid.every_word_ids(backend, parsed, filters, depth)
        some_words = any_words.ranked_ids(connections[using], parsed, filters, depth)
        ranked = hybrid.fused_ids(backend.vendor, found.ids, some_words, meaning)
        # Matches past the pool are not ranked here but still exist.
        total = found.total + len(set(ranked) - set(found.ids))
    page_ids = ranked[offset : offset + limit]
    return replace(
        base,
        total=min(total, COUNT_LIMIT),
        total_capped=total > COUNT_LIMIT,
        papers=page_ids,
        snippets=hybrid.snippets(backend, parsed, page_ids),
        sort="relevance",
        searched=True,
        mode=mode,
    )
