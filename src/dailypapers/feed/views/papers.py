"""The paper page: everything stored about one paper, its discussion and related papers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dailypapers.feed.queries import related_papers, voted_ids
from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
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


def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    try:
        bare_id = normalize_id(arxiv_id)
    except InvalidArxivId:
        raise Http404("Not an arXiv id") from None
    found = get_object_or_404(
        Paper.objects.select_related("submission__submitted_by"), arxiv_id=bare_id
    )
    found.voted = bool(voted_ids(request.user, [found]))
    authors = [link.author for link in found.authorships.select_related("author")]
    context = {
        "paper": found,
        "authors": authors,
        "voted": found.voted,
        "submission": getattr(found, "submission", None),
        "bibtex": bibtex_for(found),
        "related": related_papers(found),
    }
    return render(request, "feed/paper.html", context)
