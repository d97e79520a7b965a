"""The search APIs' side of "paste anything that names a paper" (search/lookup.py).

/api/v1/search and /api/papers/search put the paper a pasted id, link, DOI or exact title
names first on their first page; when it cannot be had (arXiv unreachable, unknown id) the
reason goes with the keyword results as a note.
"""

from __future__ import annotations

from dailypapers.api.queries import api_papers_in_order
from dailypapers.papers.models import Paper
from dailypapers.search.lookup import Lookup, named_paper


def look_up(q: str, page: int = 1) -> Lookup | None:
    """The lookup for a search's first page; None for later pages and ordinary queries."""
    return named_paper(q) if page == 1 else None


def named_first(found: Lookup | None, papers: list[Paper], limit: int) -> list[Paper]:
    """``papers`` with the named paper first (once), at most ``limit`` of them."""
    if found is None or found.paper is None:
        return papers
    pk = found.paper.pk
    first = [paper for paper in papers if paper.pk == pk] or api_papers_in_order([pk])
    return (first + [paper for paper in papers if paper.pk != pk])[:limit]


def named_notes(found: Lookup | None) -> list[str]:
    """Why the paper the query names is missing, as a note; [] otherwise."""
    return [found.note] if found is not None and found.note else []
