"""Paste anything that names a paper: an arXiv id or link, a DOI, or an exact title.

``named_paper(text)`` answers None for an ordinary query, else a ``Lookup``: the paper
(stored, or fetched from the arXiv API just now), or a one-sentence note saying why it
could not be had. The search page sends the person to the paper; the search APIs put it
first. What the text names is read by lib/named_paper.py; exact titles and DOIs are found
through expression indexes (papers/title_key.py, migration papers 0002).

A paper not stored here is fetched on demand from the arXiv API, within
LOOKUP_FETCH_SECONDS in all (short socket timeouts, no retries, no waiting long for the
polite request gap) and at most once per id per minute, shared by every process through
the cache; a failed or refused fetch is remembered for that minute and said at once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.functions import Lower

from dailypapers.lib.arxiv.client import ArxivHttpError, PoliteClient, user_agent
from dailypapers.lib.named_paper import NamedPaper, parse_named_paper, title_keys
from dailypapers.lib.records import SourceError
from dailypapers.papers.ingest.api import import_api
from dailypapers.papers.models import Paper
from dailypapers.papers.title_key import TitleKey

logger = logging.getLogger(__name__)

LOOKUP_FETCH_SECONDS = 5.0  # everything one on-demand fetch may take
SOCKET_TIMEOUT = 2.0  # connect, and each read
FETCH_EVERY_SECONDS = 60  # one fetch per id per minute
MAX_RESPONSE_BYTES = 2_000_000  # one entry of the API's Atom feed is a few KB

FETCHING, MISSING, UNREACHABLE = "fetching", "missing", "unreachable"
MAX_SAME = 20  # papers sharing one DOI (versions stored as papers): the oldest is named


@dataclass(frozen=True, slots=True)
class Lookup:
    paper: Paper | None = None
    note: str = ""  # one sentence for the person, when there is no paper


class _OverBudget(SourceError):
    """Waiting for a turn to ask arXiv would take past the lookup's time budget."""


def named_paper(text: str) -> Lookup | None:
    """The paper ``text`` names, or None when the text is an ordinary query (or names a
    DOI or title that nothing stored has: the search results then speak for themselves)."""
    named = parse_named_paper(text)
    if named is None:
        return None
    if named.kind == "arxiv":
        paper = Paper.objects.filter(arxiv_id=named.arxiv_id).first()
        return Lookup(paper) if paper else _fetched(named)
    # No ORDER BY in these two: with it (and LIMIT), PostgreSQL may walk the primary key
    # and compute the key of every paper (3.5 s at 91k) instead of using the index.
    if named.kind == "doi":
        found = Paper.objects.alias(doi_key=Lower("doi")).filter(doi_key=named.doi)
        papers = sorted(found[:MAX_SAME], key=lambda paper: paper.pk)
        return Lookup(papers[0]) if papers else None
    same_title = list(
        Paper.objects.alias(key=TitleKey("title")).filter(key__in=title_keys(named.title))[:2]
    )
    return Lookup(same_title[0]) if len(same_title) == 1 else None  # two: let search show both


def _fetched(named: NamedPaper) -> Lookup:
    arxiv_id = named.arxiv_id
    key = f"search-lookup:{arxiv_id}"
    if not cache.add(key, FETCHING, FETCH_EVERY_SECONDS):
        # Asked within the minute (maybe by another process): say what that fetch found.
        paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
        return Lookup(paper) if paper else Lookup(note=_note(cache.get(key), arxiv_id))
    outcome = _fetch(arxiv_id)
    cache.set(key, outcome, FETCH_EVERY_SECONDS)
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    return Lookup(paper) if paper else Lookup(note=_note(outcome or MISSING, arxiv_id))


def _fetch(arxiv_id: str) -> str:
    """Import the paper from the arXiv API; "" when arXiv answered, else what went wrong."""
    deadline = time.monotonic() + LOOKUP_FETCH_SECONDS

    def sleep_within_budget(seconds: float) -> None:
        if time.monotonic() + seconds + SOCKET_TIMEOUT > deadline:
            raise _OverBudget(f"arXiv's request gap would pass the {LOOKUP_FETCH_SECONDS} s budget")
        time.sleep(seconds)

    client = PoliteClient(
        user_agent=user_agent(settings.ARXIV_CONTACT, settings.SITE_URL),
        min_interval=settings.ARXIV_REQUEST_INTERVAL,
        timeout=min(settings.ARXIV_TIMEOUT, SOCKET_TIMEOUT),
        retries=0,
        max_bytes=MAX_RESPONSE_BYTES,
        sleep=sleep_within_budget,
    )
    try:
        import_api(ids=[arxiv_id], client=client)
    except ArxivHttpError as exc:
        logger.info("search lookup of %s: arXiv fetch failed: %s", arxiv_id, exc)
        refused = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
        return MISSING if refused else UNREACHABLE
    except _OverBudget:
        return UNREACHABLE
    except SourceError as exc:  # an error feed: arXiv does not know the id
        logger.info("search lookup of %s: %s", arxiv_id, exc)
        return MISSING
    finally:
        client.close()
    return ""


def _note(outcome: object, arxiv_id: str) -> str:
    if outcome == UNREACHABLE:
        return (
            f"arXiv cannot be reached just now, so {arxiv_id} could not be fetched: "
            "matching papers stored here are shown instead."
        )
    if outcome == FETCHING:
        return f"{arxiv_id} is being fetched from arXiv: search again in a moment."
    return f"arXiv has no paper {arxiv_id}: matching papers stored here are shown instead."
