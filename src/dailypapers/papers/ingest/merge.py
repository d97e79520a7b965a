"""Stage 2: decide what an incoming record may change in a stored paper.

Rules (arXiv sources disagree in what they know, and arrive in any order):
- An older version never overwrites a newer one.
- A record of the same or a newer version overwrites fields it knows; fields it leaves
  empty keep their stored value (an RSS item has no DOI, that does not erase one).
- A record that names no version only fills fields that are still empty.
- The announcement day is the first day a paper was listed (normalize drops the day of
  replacement announcements, so they never move it); a real listing day beats a day
  estimated from the submission time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Protocol, TypeVar

from dailypapers.papers.ingest.normalize import CleanPaper


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)


def _earliest(a: T | None, b: T | None) -> T | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _latest(a: T | None, b: T | None) -> T | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _announcement(stored: CleanPaper, incoming: CleanPaper) -> tuple[date | None, bool]:
    """(day, estimated): a real day beats an estimate; between equals, the earliest wins."""
    candidates = [
        (paper.announced_on_estimated, paper.announced_on)
        for paper in (stored, incoming)
        if paper.announced_on is not None
    ]
    if not candidates:
        return None, False
    estimated, day = min(candidates)  # False sorts first: real days before estimates
    return day, estimated


def is_stale(stored: CleanPaper, incoming: CleanPaper) -> bool:
    return (
        incoming.version is not None
        and stored.version is not None
        and incoming.version < stored.version
    )


def merge(stored: CleanPaper, incoming: CleanPaper) -> CleanPaper:
    """The paper as it should be stored after seeing ``incoming``."""
    if is_stale(stored, incoming):
        return stored
    authoritative = incoming.version is not None

    def pick(old: T, new: T) -> T:
        return (new or old) if authoritative else (old or new)

    author_names = pick(stored.author_names, incoming.author_names)

    announced_on, estimated = _announcement(stored, incoming)
    return replace(
        stored,
        version=_latest(stored.version, incoming.version),
        title=pick(stored.title, incoming.title),
        abstract=pick(stored.abstract, incoming.abstract),
        author_names=author_names,
        author_keys=incoming.author_keys if author_names is incoming.author_names else [],
        categories=pick(stored.categories, incoming.categories),
        comments=pick(stored.comments, incoming.comments),
        journal_ref=pick(stored.journal_ref, incoming.journal_ref),
        doi=pick(stored.doi, incoming.doi),
        report_no=pick(stored.report_no, incoming.report_no),
        license=pick(stored.license, incoming.license),
        submitted_at=_earliest(stored.submitted_at, incoming.submitted_at),
        updated_at=_latest(stored.updated_at, incoming.updated_at),
        announced_on=announced_on,
        announced_on_estimated=estimated,
        announce_type="",
        code_links=pick(stored.code_links, incoming.code_links),
        digest="",  # the merged content differs from both inputs
        insert_values=None,
        author_links=None,
    )
