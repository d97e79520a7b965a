"""What the search backends share: the filters they apply, their interface, safe snippets.

Each backend answers with paper ids in order; engine.py loads nothing else. One backend
object per database (sqlite.py, postgres.py) holds every database-specific statement of
search; ``dailypapers.search.backends.current()`` picks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from html import escape as html_escape
from typing import Any, Protocol

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils.safestring import SafeString, mark_safe

from dailypapers.lib.query import Query

PAPER_TABLE = "papers_paper"
# Marks the databases put around matched words. Private-use characters: the query parser and
# the ingest never let them into text, and any that did would only unbalance a <mark>, which
# marked_to_html repairs.
MARK_START, MARK_END = "\ue000", "\ue001"
ELLIPSIS = "…"
# Counting stops here: past it the exact number helps nobody and costs a read of every match.
COUNT_LIMIT = 10_000
# Ranking costs a few microseconds a match; with more matches than this, relevance and
# trending order the newest RANK_WINDOW of them (the results say so).
RANK_WINDOW = 1_000
# Any-words ranking (any_words.py) takes the rarest words until the papers holding them add
# up to this many: each match costs the ranking a few microseconds.
MATCH_BUDGET = 6_000


@dataclass(frozen=True, slots=True)
class Filters:
    categories: tuple[str, ...] = ()  # canonical names; a paper must be listed in each
    excluded_categories: tuple[str, ...] = ()
    date_from: date | None = None  # announced on or after
    date_to: date | None = None  # announced on or before
    has_code: bool | None = None  # None: either


@dataclass(frozen=True, slots=True)
class Found:
    total: int  # at most COUNT_LIMIT
    ids: list[int]  # paper ids of the page asked for, in order
    snippets: dict[int, SafeString] = field(default_factory=dict)
    total_capped: bool = False  # more than COUNT_LIMIT matched
    ranked_window: int = 0  # when not 0, only the newest this many matches were ordered

    @classmethod
    def counted(cls, total: int, ids: list[int], snippets: dict[int, SafeString]) -> Found:
        """A page out of ``total`` matches, the total cut at COUNT_LIMIT."""
        return cls(
            total=min(total, COUNT_LIMIT),
            ids=ids,
            snippets=snippets,
            total_capped=total > COUNT_LIMIT,
        )


OrderWindow = Callable[[list[int]], list[int]]


class KeywordSearch(Protocol):
    def search(
        self, query: Query, filters: Filters, sort: str, limit: int, offset: int, snippets: bool
    ) -> Found: ...


class SearchBackend:
    """Every database-specific part of search, for one connection: one subclass per database
    (sqlite.py, postgres.py), picked by ``dailypapers.search.backends.current()``.

    The subclasses name their keyword search and their ranked module (``search(connection,
    query, filters, words, limit, offset, snippets=…)`` and ``any_words(connection, words,
    filters, depth)``); what differs beyond that they write themselves.
    """

    vendor: str  # names the fusion weights tuned for this database (fusion.WEIGHTS)
    serves_keyword_index: bool  # the embedded keyword index (keyword_index.py) mirrors it
    keyword_class: Callable[[BaseDatabaseWrapper], KeywordSearch]
    ranked_module: Any

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.keyword = self.keyword_class(connection)

    def search(
        self, query: Query, filters: Filters, sort: str, limit: int, offset: int, snippets: bool
    ) -> Found:
        """A page of papers with every part; ``query`` has text or ``filters`` has a category."""
        return self.keyword.search(query, filters, sort, limit, offset, snippets)

    def ranked(self, query: Query, filters: Filters, words: list[str], **page: int | bool) -> Found:
        """A page (``limit``, ``offset``, ``snippets``) of the papers holding any of ``words``
        (the meaningful plain words), best first."""
        return self.ranked_module.search(self.connection, query, filters, words, **page)

    def any_words(self, words: list[str], filters: Filters, depth: int) -> list[int]:
        """Paper ids by rank over the rarer of ``words``, best first; [] when none qualify."""
        return self.ranked_module.any_words(self.connection, words, filters, depth)

    def every_word(
        self, query: Query, filters: Filters, depth: int, order_window: OrderWindow
    ) -> Found:
        """Hybrid search's every-word ranking; ``order_window`` may order costly matches."""
        raise NotImplementedError

    def snippets(self, query: Query, ids: list[int]) -> dict[int, SafeString]:
        """Highlighted passages of these papers' abstracts (those holding the words)."""
        raise NotImplementedError

    def indexing_inserts_at_end(self) -> AbstractContextManager[list[int]]:
        """Inside a transaction: index the papers whose ids go in the list at the block's end."""
        raise NotImplementedError

    def repair(self) -> bool:
        """After a migrate: put back what a table rebuild dropped; True if anything was."""
        raise NotImplementedError

    def ensure_statistics(self) -> bool:
        """Gather the word statistics any-words ranking reads, if missing; True if run."""
        raise NotImplementedError

    def read_snapshot(self) -> AbstractContextManager[CursorWrapper]:
        """A cursor that sees one state of the database without holding the write lock."""
        raise NotImplementedError


def category_token(category: str) -> str:
    """One index token per category: "cs.LG" is "cs0lg9", "q-bio.NC" is "q1bio0nc9".

    Categories hold no digits, so mapping "." and "-" to digits keeps them apart, and the
    final digit keeps the porter stemmer from cutting a suffix ("cs.OS" is not "cs.O").
    Both databases index categories as these tokens.
    """
    return category.lower().replace(".", "0").replace("-", "1") + "9"


def within_budget(frequencies: list[tuple[str, int]], budget: int) -> list[str]:
    """The rarest terms whose papers, added up, stay within ``budget``."""
    chosen: list[str] = []
    spent = 0
    for term, count in sorted(frequencies, key=lambda item: (item[1], item[0])):
        if count > budget or spent + count > budget:
            break
        chosen.append(term)
        spent += count
    return chosen


_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def marked_to_html(text: str) -> SafeString:
    """Escape a database snippet, then turn its marks into balanced <mark> elements.

    Escaping first means nothing from a paper's text can become markup; only the marks,
    which escaping leaves alone, turn into tags.
    """
    html: list[str] = []
    open_mark = False
    # One escape of the whole text (the marks are private-use characters it leaves alone),
    # not one per piece: Django's escape() per piece was a third of a page's snippet time.
    for part in _MARKS.split(html_escape(text)):
        if part == MARK_START:
            if not open_mark:
                html.append("<mark>")
                open_mark = True
        elif part == MARK_END:
            if open_mark:
                html.append("</mark>")
                open_mark = False
        elif part:
            html.append(part)
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # every piece of text above was escaped
