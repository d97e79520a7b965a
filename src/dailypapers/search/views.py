"""The search page: a plain GET form, results with highlighted passages, and pages of them.

Every input gives a page: values that cannot be read are reported next to the form, and
nothing the person typed reaches the database except through lib/query.py's structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from dailypapers.core.pagecache import cached_page
from dailypapers.lib.paging import page_number
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import mark_voted
from dailypapers.search import engine, lookup, semantic

PER_PAGE = engine.DEFAULT_PER_PAGE
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class SearchForm:
    """What the query string asked for, as typed (to show again) and as understood."""

    q: str = ""
    category: str = ""
    date_from_text: str = ""
    date_to_text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    has_code: bool = False
    sort: str = "relevance"
    mode: str = ""  # "" lets the engine choose (hybrid when semantic search is on)
    page: int = 1
    errors: list[str] = field(default_factory=list)


def _date(text: str, label: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"The “{label}” date must be a day written like 2025-01-31.")
        return None


def read_form(params: QueryDict) -> SearchForm:
    # Control characters in the echoed values would be shown back as they are; drop them.
    def text(name: str) -> str:
        value = params.get(name, "")
        return "".join(char for char in value if char.isprintable() or char == " ").strip()

    form = SearchForm(q=params.get("q", ""), category=text("category")[:100])
    form.date_from_text = text("from")[:20]
    form.date_to_text = text("to")[:20]
    form.date_from = _date(form.date_from_text, "from", form.errors)
    form.date_to = _date(form.date_to_text, "to", form.errors)
    form.has_code = params.get("code") == "1"
    sort = params.get("sort", "")
    form.sort = sort if sort in engine.SORTS else "relevance"
    mode = params.get("mode", "")
    form.mode = mode if mode in engine.MODES else ""
    form.page = page_number(params.get("page", ""))
    return form


def _run(form: SearchForm, page: int) -> engine.SearchResults:
    return engine.search(
        form.q,
        category=form.category or None,
        date_from=form.date_from,
        date_to=form.date_to,
        has_code=True if form.has_code else None,
        sort=form.sort,
        page=page,
        per_page=PER_PAGE,
        mode=form.mode or None,
    )


def _papers(request: HttpRequest, results: engine.SearchResults) -> list[Paper]:
    """This page's papers in the order found, each with its snippet and vote state."""
    papers = Paper.objects.listed().in_order(results.papers)  # a paper deleted meanwhile is out
    for paper in papers:
        paper.snippet = results.snippets.get(paper.pk, "")
    return mark_voted(request.user, papers)


def _page(results: engine.SearchResults, papers: list[Paper]) -> Page:
    # Paginator over a range: it only needs the count, and the papers are already loaded.
    # Page[Any]: the page of ints from the range then holds the papers.
    shown = min(results.total, engine.MAX_RESULTS)
    page: Page[Any] = Paginator(range(shown), results.per_page).page(results.page)
    page.object_list = papers
    return page


def _named_paper(form: SearchForm) -> lookup.Lookup | None:
    """A pasted id, link, DOI or exact title (search/lookup.py), on a first page."""
    return lookup.named_paper(form.q) if not form.errors and form.page == 1 else None


def search_page(request: HttpRequest) -> HttpResponse:
    form = read_form(request.GET)
    named = _named_paper(form)
    if named and named.paper:
        return redirect("feed:paper", named.paper.arxiv_id)
    results = engine.SearchResults()
    page = None
    if not form.errors:
        asked = min(form.page, engine.MAX_RESULTS // PER_PAGE)
        results = _run(form, asked)
        if named and named.note:  # why the paper it names is not here; keyword results below
            results = replace(results, notes=(named.note, *results.notes))
        last = max(1, -(-min(results.total, engine.MAX_RESULTS) // PER_PAGE))
        if results.searched and asked > last:  # an old link past the end: show the end
            results = _run(form, last)
        if results.searched and results.total:
            page = _page(results, _papers(request, results))
    context = {
        "form": form,
        "results": results,
        "page": page,
        "errors": [*form.errors, *([results.error] if results.error else [])],
        # A note already says when only the newest matches were ordered: no second "1,000".
        "capped": results.total > engine.MAX_RESULTS and not results.ranked_window,
        "max_results": engine.MAX_RESULTS,
        "category_choices": settings.ARXIV_CATEGORIES,
        "semantic_enabled": semantic.semantic_enabled(),
    }
    response = render(request, "search/search.html", context)
    # Result pages are endless combinations of parameters: no use to a search engine.
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# A load error names local paths and package versions: for staff and the operator's CLI
# (`dailypapers embed --status`), not for every visitor.
PUBLIC_LOAD_FAILURE = "the configured embedding model could not be loaded"


def status_page(request: HttpRequest) -> HttpResponse:
    """What search can do on this server: semantic on or off and why, vectors, the index.

    Signed-out visitors get the page from the anonymous page cache: it counts every paper
    and every vector, which is not worth doing on each hit.
    """

    def render_status() -> HttpResponse:
        status = semantic.status()
        if (
            status.reason
            and status.reason != semantic.NOT_CONFIGURED
            and not (request.user.is_authenticated and request.user.is_staff)
        ):
            status = replace(status, reason=PUBLIC_LOAD_FAILURE)
        return render(request, "search/status.html", {"status": status})

    return cached_page(request, render_status)
