"""BibTeX downloads: one paper, or every paper of a public collection, as a .bib file."""

from __future__ import annotations

import re
import string

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from dailypapers.api.conditional import allow_any_origin
from dailypapers.api.queries import collection_papers, find_paper, public_collection
from dailypapers.feed.views.papers import bibtex_for

CONTENT_TYPE = "text/x-bibtex; charset=utf-8"
# What bibtex_for needs of a paper, so a long collection loads no abstracts.
BIBTEX_COLUMNS = (
    "arxiv_id", "title", "author_names", "submitted_at", "announced_on", "primary_category",
    "doi", "journal_ref",
)  # fmt: skip
_KEY_RE = re.compile(r"^@(\w+)\{([^,]*),")


def bibtex_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
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


def collection_bibtex(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    found = public_collection(user_id, slug)
    if found is None:
        raise Http404("No public collection at this address")
    # No submitter join: a citation does not name who submitted the paper.
    papers = collection_papers(found).select_related(None).only(*BIBTEX_COLUMNS)
    entries = distinct_keys([bibtex_for(paper) for paper in papers])
    text = "".join(entry + "\n\n" for entry in entries)
    return bibtex_download(text, f"{found.slug}.bib")
