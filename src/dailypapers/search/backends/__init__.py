"""What the keyword backends share: the filters they apply, their interface, safe snippets.

Each backend answers with paper ids in order; engine.py loads nothing else, so a later
semantic backend can plug in beside these with the same interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.utils.html import escape
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


class KeywordBackend(Protocol):
    def search(
        self, query: Query, filters: Filters, sort: str, limit: int, offset: int, snippets: bool
    ) -> Found:
        """A page of matches; ``query`` has text or ``filters`` has a category."""
        ...


_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def marked_to_html(text: str) -> SafeString:
    """Escape a database snippet, then turn its marks into balanced <mark> elements.

    Escaping first means nothing from a paper's text can become markup; only the marks,
    which escaping leaves alone, turn into tags.
    """
    html: list[str] = []
    open_mark = False
    for part in _MARKS.split(text):
        if part == MARK_START:
            if not open_mark:
                html.append("<mark>")
                open_mark = True
        elif part == MARK_END:
            if open_mark:
                html.append("</mark>")
                open_mark = False
        elif part:
            html.append(escape(part))
    if open_mark:
        html.append("</mark>")
    return mark_safe("".join(html))  # every piece of text above was escaped
