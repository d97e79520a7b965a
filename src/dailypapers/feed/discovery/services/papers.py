"""What the paper page and the API say about one paper beyond its columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.dateformat import format as format_date

from dailypapers.core.urlmemo import remembered_reverse
from dailypapers.feed.queries import RelatedRow
from dailypapers.lib.bibtex import paper_bibtex
from dailypapers.papers.models import Paper

SHOWN_AUTHORS = 3  # names before "+N more" in a related line


@dataclass(frozen=True, slots=True)
class RelatedLine:
    """One related paper as the paper page lists it; the template escapes every field."""

    arxiv_id: str
    url: str
    title: str
    byline: str  # "Ada, Grace, Alan +2 more · 6 Jan 2025"


def related_lines(papers: Iterable[RelatedRow]) -> list[RelatedLine]:
    """What the related list shows, built here rather than by a loop of template filters."""
    lines = []
    for paper in papers:
        names = list(paper.author_names or [])
        byline = ", ".join(names[:SHOWN_AUTHORS])
        if len(names) > SHOWN_AUTHORS:
            byline += f" +{len(names) - SHOWN_AUTHORS} more"
        if paper.announced_on:
            byline += " · " + format_date(paper.announced_on, "j M Y")
        url = remembered_reverse("feed:paper", [paper.arxiv_id])
        lines.append(RelatedLine(paper.arxiv_id, url, paper.title, byline))
    return lines


def _year(paper: Paper) -> int | None:
    # arXiv cites the year of the first version; the announcement day is the fallback.
    if paper.submitted_at:
        return paper.submitted_at.year
    return paper.announced_on.year if paper.announced_on else None


def bibtex_for(paper: Paper) -> str:
    return paper_bibtex(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=list(paper.author_names),
        year=_year(paper),
        primary_category=paper.primary_category,
        doi=paper.doi,
        journal_ref=paper.journal_ref,
    )
