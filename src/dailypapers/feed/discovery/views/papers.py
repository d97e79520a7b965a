"""The paper page: everything stored about one paper, its discussion and related papers."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from dailypapers.core.pagecache import cached_page
from dailypapers.feed.discovery.services.paper_body import paper_body
from dailypapers.feed.discovery.services.papers import bibtex_for, related_lines
from dailypapers.feed.queries import (
    authors_for_page,
    paper_for_page,
    paper_page_row,
    related_with_basis,
    row_version,
)
from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import voted_ids


def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """The paper page; signed-out visitors may get it from the page cache.

    The cached copy is keyed on every column of the paper, its submission and the submitter
    (``row_version`` of ``paper_page_row``), so a change to any of them (a new title, a vote
    or a comment changing the counts) shows at once; the related papers and the text of existing
    comments may be up to ANONYMOUS_PAGE_CACHE_SECONDS old, like the feed pages.
    """
    try:
        bare_id, version = split_id(arxiv_id)
    except InvalidArxivId:
        raise Http404("Not an arXiv id") from None
    if version is not None:
        return _versioned(bare_id, version)
    # The row read for the cache key is the row the page shows: a miss builds the paper from
    # it rather than asking the same question twice.
    read: list[tuple[Any, ...] | None] = []

    def key_version() -> str | None:
        read.append(paper_page_row(bare_id))
        return row_version(read[-1])

    return cached_page(
        request,
        lambda: _paper_page(request, bare_id, read[-1] if read else None),
        version=key_version,
    )


def _versioned(bare_id: str, version: int) -> HttpResponse:
    """``/papers/<id>v2/``: the page is about the paper, so a version that exists leads to
    it; a version after the newest we know of does not exist (yet) and is a 404."""
    stored = Paper.objects.filter(arxiv_id=bare_id).values_list("version", flat=True).first()
    if stored is None and not Paper.objects.filter(arxiv_id=bare_id).exists():
        raise Http404("No such paper")
    if version < 1 or (stored is not None and version > stored):
        raise Http404("No such version of this paper")
    return HttpResponsePermanentRedirect(reverse("feed:paper", args=[bare_id]))


def _paper_page(
    request: HttpRequest, bare_id: str, row: tuple[Any, ...] | None = None
) -> HttpResponse:
    found = paper_for_page(bare_id, row)
    if found is None:
        raise Http404("No Paper matches the given query.")
    submission = getattr(found, "submission", None)
    found.voted = bool(voted_ids(request.user, [found]))
    # Only the two columns the page shows: one light query instead of two full rows per link.
    authors = authors_for_page(found.pk)
    related, related_by = related_with_basis(found, author_ids=[author.pk for author in authors])
    context = {
        "voted": found.voted,
        "submission": submission,
        "bibtex": bibtex_for(found),
        "related": related_lines(related),
        "related_by": related_by,
    }
    body = paper_body(request, found, authors, context)
    # The whole context still goes to the Django template: tests and tools read it there.
    context.update(paper=found, authors=authors, body=body)
    return render(request, "feed/discovery/paper.html", context)
