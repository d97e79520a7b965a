"""The one normalised shape every ingest source produces.

Each parser (Kaggle JSON lines, API Atom, OAI-PMH, RSS) turns its input into
``PaperRecord`` values; ``dailypapers.papers.ingest`` validates and stores them.
Text fields hold what the source gave (TeX, hard line wraps included), stripped of
surrounding whitespace; display clean-up happens once, in the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class PaperRecord:
    arxiv_id: str  # bare id without version: "2501.01234" or "hep-th/9901001"
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)  # display names, in order
    # When a source gives the authors as one string ("A, B and C"), it goes here instead
    # and the pipeline splits it; parsers only parse formats, text clean-up is done once.
    authors_raw: str = ""
    categories: list[str] = field(default_factory=list)  # primary first
    version: int | None = None  # latest version the source knows, None if it does not say
    comments: str = ""
    journal_ref: str = ""
    doi: str = ""
    report_no: str = ""
    license: str = ""
    submitted_at: datetime | None = None  # v1 submission time, UTC
    updated_at: datetime | None = None  # latest version time, UTC
    announced_on: date | None = None  # the listing day it appeared on
    announce_type: str = ""  # RSS: new | cross | replace | replace-cross

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""


@dataclass(slots=True)
class SkippedInput:
    """An input item that could not become a record, and why."""

    where: str  # "line 17", "entry 3", "oai:arXiv.org:1234.5678"
    reason: str


class SourceError(Exception):
    """The whole input is unusable (an error feed, a refused request, a bad file)."""
