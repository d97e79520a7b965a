"""Stage 1 of every ingest: turn a parsed ``PaperRecord`` into a clean, validated paper.

Cleaning (TeX to readable text, unwrapped lines, split author strings, code links) and
validation (ids, sizes, category names) happen here once, whatever the source, so the
upsert stage only ever sees values it can store as they are.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.lib.arxiv.schedule import estimate_announcement_day
from dailypapers.lib.authors import author_key, split_authors
from dailypapers.lib.codelinks import extract_code_links
from dailypapers.lib.records import PaperRecord
from dailypapers.lib.tex import clean_abstract, clean_text, clean_title

CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
MAX_AUTHORS = 10_000  # large collaborations list a few thousand
MAX_NAME_CHARS = 300  # longer "names" are separator mistakes in the source; cut, not refused
MAX_AUTHORS_RAW_CHARS = 500_000  # a 3,000-author collaboration list runs to ~100,000
MAX_CATEGORIES = 30
SHORT_FIELD_CHARS = 200  # doi, license, category names
# A replacement announcement lists an old paper again; the paper's day stays its first listing.
REPLACEMENTS = frozenset({"replace", "replace-cross"})


class InvalidRecord(ValueError):
    """The record cannot be stored; the message says why."""


@dataclass(slots=True)
class CleanPaper:
    arxiv_id: str
    version: int | None
    title: str
    abstract: str
    author_names: list[str]
    categories: list[str]
    comments: str
    journal_ref: str
    doi: str
    report_no: str
    license: str
    submitted_at: datetime | None
    updated_at: datetime | None
    announced_on: date | None
    announce_type: str = ""
    code_links: list[str] = field(default_factory=list)
    announced_on_estimated: bool = False
    # Filled by normalize, which runs in the parsing process on bulk imports, so that the
    # writing process does not spend its time on them. Empty means "not computed".
    author_keys: list[str] = field(default_factory=list)
    digest: str = ""
    # Computed ahead for the writer (see writes.prepare); None means "not computed".
    # Whatever changes a paper after normalize must clear them (merge does).
    insert_values: tuple | None = None
    author_links: dict[str, str] | None = None

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    def keys(self) -> list[str]:
        """The author keys, in the order of ``author_names``."""
        if len(self.author_keys) != len(self.author_names):
            self.author_keys = [author_key(name) for name in self.author_names]
        return self.author_keys

    def links(self) -> dict[str, str]:
        """Name by author key, in author order; an author listed twice keeps the first place."""
        if self.author_links is None:
            links: dict[str, str] = {}
            for name, key in zip(self.author_names, self.keys(), strict=True):
                if key and key not in links:
                    links[key] = name
            self.author_links = links
        return self.author_links


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidRecord(f"field {name} is {len(value):,} characters (limit {limit:,})")


_NAME_NEEDS_CLEANING = ("\\", "{", "$", "~", "\n", "\t", "  ", "'", "`", "-")


# Search marks its highlights and separates author names with private-use characters
# (search/backends: U+E000–U+E002); a paper's own text must not be able to fake them.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _no_private_use(text: str) -> str:
    return _PRIVATE_USE.sub("", text) if _PRIVATE_USE.search(text) else text


def _clean_name(name: str) -> str:
    # Most names are plain; cleaning 100,000s of them one by one is a bulk import's hot spot.
    if any(marker in name for marker in _NAME_NEEDS_CLEANING):
        return clean_text(name)
    return name.strip()


def normalize(record: PaperRecord, *, max_field_chars: int) -> CleanPaper:
    """Clean and validate one record; raises InvalidRecord with the reason."""
    try:
        arxiv_id, id_version = split_id(record.arxiv_id)
    except InvalidArxivId as exc:
        raise InvalidRecord(str(exc)) from None
    version = record.version if record.version is not None else id_version
    if version is not None and not 0 < version < 10_000:
        raise InvalidRecord(f"version {version} is out of range")

    # Sizes are checked on the raw text first so that absurd input costs no cleaning.
    for name in ("title", "abstract", "comments", "journal_ref", "report_no"):
        _check_length(name, getattr(record, name) or "", max_field_chars)
    _check_length("authors", record.authors_raw or "", MAX_AUTHORS_RAW_CHARS)
    for name in ("doi", "license"):
        _check_length(name, getattr(record, name) or "", SHORT_FIELD_CHARS)

    title = _no_private_use(clean_title(record.title or ""))
    if not title:
        raise InvalidRecord("the title is empty")

    names = record.authors or (split_authors(record.authors_raw) if record.authors_raw else [])
    if len(names) > MAX_AUTHORS:
        raise InvalidRecord(f"{len(names):,} authors (limit {MAX_AUTHORS:,})")
    if record.authors:
        names = [_clean_name(name) for name in record.authors]  # split_authors already cleans
    author_names = [_no_private_use(name[:MAX_NAME_CHARS]).strip() for name in names]
    author_names = [name for name in author_names if name]

    categories: list[str] = []
    for category in record.categories:
        category = category.strip()
        if not category or category in categories:
            continue
        if len(category) > 40 or not CATEGORY.match(category):
            raise InvalidRecord(f"not an arXiv category: {category[:50]!r}")
        categories.append(category)
    if len(categories) > MAX_CATEGORIES:
        raise InvalidRecord(f"{len(categories)} categories (limit {MAX_CATEGORIES})")

    abstract = _no_private_use(clean_abstract(record.abstract or ""))
    comments = clean_text(record.comments or "")
    announced_on, estimated = record.announced_on, False
    if record.announce_type in REPLACEMENTS:
        announced_on = None
    elif announced_on is None and record.submitted_at is not None:
        announced_on, estimated = estimate_announcement_day(record.submitted_at), True
    clean = CleanPaper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=abstract,
        author_names=author_names,
        categories=categories,
        comments=comments,
        journal_ref=clean_text(record.journal_ref or ""),
        doi=(record.doi or "").strip(),
        report_no=clean_text(record.report_no or ""),
        license=(record.license or "").strip(),
        submitted_at=record.submitted_at,
        updated_at=record.updated_at,
        announced_on=announced_on,
        announced_on_estimated=estimated,
        announce_type=record.announce_type,
        code_links=extract_code_links(record.abstract or "", record.comments or ""),
    )
    clean.author_keys = [author_key(name) for name in author_names]
    clean.digest = content_hash(clean)
    return clean


def content_hash(paper: CleanPaper) -> str:
    """A digest of everything stored for a paper, so unchanged input is recognised cheaply."""
    parts = [
        paper.arxiv_id,
        str(paper.version or ""),
        paper.title,
        paper.abstract,
        "\x1e".join(paper.author_names),
        " ".join(paper.categories),
        paper.comments,
        paper.journal_ref,
        paper.doi,
        paper.report_no,
        paper.license,
        paper.submitted_at.isoformat() if paper.submitted_at else "",
        paper.updated_at.isoformat() if paper.updated_at else "",
        paper.announced_on.isoformat() if paper.announced_on else "",
        "~" if paper.announced_on_estimated else "",
        "\x1e".join(paper.code_links),
    ]
    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
