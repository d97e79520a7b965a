"""The full text ``read_paper`` adds below the abstract: arXiv's HTML version as Markdown.

Off unless an operator sets FULL_TEXT_HTML_URL (e.g. https://arxiv.org/html): then the first
read of a paper version fetches ``<url>/<id>v<version>`` once, with the interactive arXiv
client (one try, a short timeout, arXiv's pace, at most FULL_TEXT_MAX_BYTES), converts it
(lib/html_markdown.py) and keeps the Markdown in the shared cache for
FULL_TEXT_CACHE_SECONDS. A paper with no HTML version, a page too large, or arXiv out of
reach gives no full text (the reason is logged), and that answer is kept for a few minutes
so that repeated reads do not knock on arXiv again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from dailypapers.lib.html_markdown import html_to_markdown
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.connect import interactive_arxiv_client
from dailypapers.papers.models import Paper

logger = logging.getLogger(__name__)
MISSING_SECONDS = 600  # how long "no full text for this version" is believed
_NONE = ""  # cached when there is no full text


def _cache_key(paper: Paper) -> str:
    return f"fulltext:{paper.versioned_id}"


def full_text(paper: Paper) -> str | None:
    """The paper's full text as Markdown, or None when off or not to be had."""
    base = settings.FULL_TEXT_HTML_URL
    if not base:
        return None
    key = _cache_key(paper)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    url = f"{base}/{paper.versioned_id}"
    try:
        client = interactive_arxiv_client(max_bytes=settings.FULL_TEXT_MAX_BYTES)
        try:
            result = client.get(url)
        finally:
            client.close()
        kind = result.headers.get("content-type", "")
        if not kind.startswith(("text/html", "application/xhtml")):
            raise SourceError(f"{url} answered {kind or 'no content type'}, not HTML")
        # Below read_paper's own "## Full text": the paper's sections start at level 3.
        text = html_to_markdown(result.body.decode("utf-8", errors="replace"), heading_offset=1)
    except SourceError as exc:
        logger.info("no full text for %s: %s", paper.versioned_id, exc)
        cache.set(key, _NONE, MISSING_SECONDS)
        return None
    cache.set(key, text, settings.FULL_TEXT_CACHE_SECONDS)
    return text
