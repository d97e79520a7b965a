"""BibTeX downloads: one paper, every paper of a public collection, or a page of search
results, as a .bib file."""

from __future__ import annotations

import re
import string
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from dailypapers.api.conditional import allow_any_origin
from dailypapers.api.queries import collection_papers, find_paper, public_collection
from dailypapers.api.search import SearchRequest, run_search
from dailypapers.feed.discovery.services.papers import bibtex_for
from dailypapers.feed.models import Collection
from dailypapers.papers.models import Paper
from dailypapers.search import engine

CONTENT_TYPE = "text/x-bibtex; charset=utf-8"
# What bibtex_for needs of a paper, so a long collection loads no abstracts.
BIBTEX_COLUMNS = (
    "arxiv_id", "title", "author_names", "submitted_at", "announced_on", "primary_category",
    "doi", "journal_ref",
)  # fmt: skip
_KEY_RE = re.compile(r"^@(\w+)\{([^,]*),")


def bibtex_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=CONTENT_TYPE)
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # None only for an inline answer without a filename
    response["Content-Disposition"] = disposition
    return allow_any_origin(response)


def distinct_keys(entries: list[str]) -> list[str]:
    """Give repeated citation keys a letter ("smith2024deep", "smith2024deepb", …).

    Two papers of one first author, year and first title word share a key, and BibTeX
    keeps only the first entry of a key; in one file every key must differ.
    """
    seen: set[str] = set()
    result = []
    for entry in entries:
        found = _KEY_RE.match(entry)
        if found is None:
            result.append(entry)
            continue
        key = base = found.group(2)
        repeat = 1
        while key in seen:
            key = base + (string.ascii_lowercase[repeat] if repeat < 26 else str(repeat))
            repeat += 1
        seen.add(key)
        result.append(f"@{found.group(1)}{{{key}," + entry[found.end() :])
    return result


def paper_bibtex(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    found = find_paper(arxiv_id)
    if found is None:
        raise Http404("No such paper")
    filename = found.arxiv_id.replace("/", "-") + ".bib"
    return bibtex_download(bibtex_for(found) + "\n", filename)


def bibtex_file(papers: list[Paper]) -> str:
    entries = distinct_keys([bibtex_for(paper) for paper in papers])
    return "".join(entry + "\n\n" for entry in entries)


def collection_bibtex(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    """A public collection's papers, or a private one's for its signed-in owner."""
    found = public_collection(user_id, slug)
    private = False
    if found is None and request.user.is_authenticated and request.user.pk == user_id:
        found = Collection.objects.filter(owner_id=user_id, slug=slug).first()
        private = True
    if found is None:
        # A private list answers as a missing one, as its page does.
        raise Http404("No public collection at this address")
    # No submitter join: a citation does not name who submitted the paper.
    papers = collection_papers(found).select_related(None).only(*BIBTEX_COLUMNS)
    response = bibtex_download(bibtex_file(list(papers)), f"{found.slug}.bib")
    if private:
        patch_cache_control(response, private=True, no_store=True)
        del response["Access-Control-Allow-Origin"]
    return response


def _search_from(params: dict[str, str]) -> tuple[SearchRequest, int]:
    """The search a query string asks for (the names of /api/v1/search); ValueError if bad."""

    def day(name: str) -> date | None:
        text = params.get(name, "").strip()
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            raise ValueError(f"{name}: dates are written YYYY-MM-DD.") from None

    def number(name: str, default: int, top: int) -> int:
        text = params.get(name, "").strip()
        if not text:
            return default
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= top):
            raise ValueError(f"{name}: a whole number from 1 to {top}.")
        return int(text)

    sort = params.get("sort", "relevance")
    if sort not in engine.SORTS:
        raise ValueError(f"sort: one of {', '.join(engine.SORTS)}.")
    mode = params.get("mode", "auto")
    if mode != "auto" and mode not in engine.MODES:
        raise ValueError(f"mode: auto or one of {', '.join(engine.MODES)}.")
    search = SearchRequest(
        q=params.get("q", "")[:1000],
        category=params.get("category", "").strip()[:40] or None,
        date_from=day("from"),
        date_to=day("to"),
        has_code=True if params.get("has_code", "") in ("1", "true") else None,
        sort=sort,
        limit=number("limit", engine.DEFAULT_PER_PAGE, engine.MAX_PER_PAGE),
        mode=None if mode == "auto" else mode,
    )
    return search, number("page", 1, engine.MAX_RESULTS)


def search_bibtex(request: HttpRequest) -> HttpResponse:
    """One page of search results as BibTeX, with the parameters of /api/v1/search."""
    try:
        search, page = _search_from(request.GET.dict())
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    found = run_search(search, page)
    if found.results.error:
        message = found.results.error
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return bibtex_download(bibtex_file(found.papers), "search.bib")
