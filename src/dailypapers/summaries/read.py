"""What pages and the API show: a paper's stored summary, else one computed on read.

Lists load the stored row with the paper in the list's own query (``Paper.objects.listed()``
and ``with_submitter()`` select ``auto_summary``), so reading it here costs no query. A paper
no worker has summarised yet (right after an import, with no worker running) gets its
summary computed here, the same the worker would store, and not stored: a GET writes
nothing. The computed ones are remembered per process for a while, so a page read again
does not compute them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dailypapers.lib.extractive import extract
from dailypapers.papers.models import Paper
from dailypapers.summaries.models import EXTRACTIVE, AutoSummary

_RELATION = "auto_summary"  # AutoSummary.paper's related name: Django's cache key for it


@dataclass(frozen=True, slots=True)
class Shown:
    """What a page or the API shows of a paper's automatic summary."""

    summary: str
    keywords: list[str] = field(default_factory=list)
    method: str = EXTRACTIVE
    stored: bool = False


@lru_cache(maxsize=4096)
def _computed(pk: int, title: str, abstract: str) -> Shown:
    made = extract(title, abstract)
    return Shown(made.summary, made.keywords)


def _from_row(row: AutoSummary) -> Shown:
    return Shown(row.summary, list(row.keywords), row.method, stored=True)


def _loaded(paper: Paper) -> tuple[bool, AutoSummary | None]:
    """(whether the row was loaded with the paper, the row or None when it has none)."""
    cache = paper._state.fields_cache
    if _RELATION in cache:
        return True, cache[_RELATION]
    return False, None


def shown(paper: Paper) -> Shown:
    """The paper's summary: the row loaded with it, else one query for it, else computed."""
    loaded, row = _loaded(paper)
    if not loaded:
        row = AutoSummary.objects.filter(paper_id=paper.pk).first()
        paper._state.fields_cache[_RELATION] = row
    if row is not None:
        return _from_row(row)
    return _computed(paper.pk, paper.title, paper.abstract)


def attach(papers: Iterable[Paper]) -> None:
    """Load the rows of papers that came without them, in one query (for lists not built
    with ``listed()``); papers with no row get None, which ``shown`` then computes."""
    missing = [paper for paper in papers if not _loaded(paper)[0]]
    if not missing:
        return
    rows = AutoSummary.objects.in_bulk([paper.pk for paper in missing])
    for paper in missing:
        paper._state.fields_cache[_RELATION] = rows.get(paper.pk)


def hub_fields(paper: Paper) -> dict[str, Any]:
    """The Hugging Face fields: ``ai_summary`` and ``ai_keywords``."""
    found = shown(paper)
    return {"ai_summary": found.summary, "ai_keywords": found.keywords}
