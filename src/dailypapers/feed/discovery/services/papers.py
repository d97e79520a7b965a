"""What the paper page and the API say about one paper beyond its columns."""

from __future__ import annotations

from dailypapers.lib.bibtex import paper_bibtex
from dailypapers.papers.models import Paper


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
