"""GET /papers/{id}.md: a paper as Markdown, what ``HfApi.read_paper`` and ``hf papers read`` ask.

Title, authors, links and abstract from what is stored, then, as on the Hub, the full text
converted from arXiv's HTML version when the operator turned that on (api/full_text.py; off
by default, so that a plain install never fetches on a reader's request).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from dailypapers.api.conditional import allow_any_origin
from dailypapers.api.full_text import full_text
from dailypapers.api.queries import find_paper, published_at
from dailypapers.papers.models import Paper

CONTENT_TYPE = "text/markdown; charset=utf-8"


def _line(text: str) -> str:
    # Titles and author lists are one line in Markdown; arXiv's records wrap them.
    return " ".join(text.split())


def paper_as_markdown(paper: Paper, page_url: str, body: str | None = None) -> str:
    """The Markdown text of one paper: heading, authors, date, links, abstract, and
    ``body`` (the full text) when there is one."""
    links = [f"[arXiv]({paper.abs_url})", f"[PDF]({paper.pdf_url})", f"[Page]({page_url})"]
    links += [f"[Code]({link})" for link in paper.code_links]
    lines = [
        f"# {_line(paper.title)}",
        "",
        f"**Authors:** {_line(', '.join(paper.author_names)) or 'unknown'}",
        "",
        f"**arXiv:** {paper.arxiv_id} · **Published:** {published_at(paper).date().isoformat()}",
        "",
        "**Links:** " + " · ".join(links),
        "",
        "## Abstract",
        "",
        paper.abstract.strip() or "No abstract.",
        "",
    ]
    if body:
        lines += ["## Full text", "", f"*From arXiv's HTML version of {paper.versioned_id}.*", ""]
        lines.append(body)
    return "\n".join(lines)


def paper_markdown(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = find_paper(arxiv_id)
    if paper is None:
        raise Http404(f"No paper {arxiv_id[:60]} is stored here.")
    page_url = request.build_absolute_uri(reverse("feed:paper", args=[paper.arxiv_id]))
    text = paper_as_markdown(paper, page_url, full_text(paper))
    response = HttpResponse(text, content_type=CONTENT_TYPE)
    return allow_any_origin(response)
