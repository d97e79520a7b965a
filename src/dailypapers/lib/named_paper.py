"""What a pasted search text names on its own: an arXiv paper, a DOI, or perhaps a title.

Pure parsing, no database: search/lookup.py decides what to do with the answer. Nothing
here raises, whatever the text (NUL bytes, 10 KB of operators, lone surrogates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from dailypapers.lib.arxiv.ids import parse_pasted

MAX_PASTED = 500  # longer text is a query, not a reference

# "10.1103/PhysRevD.76.013009", "doi:10…", "https://doi.org/10…", "dx.doi.org/10…"
_DOI = re.compile(
    r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)
# arXiv's own DOIs: 10.48550/arXiv.2501.01234 names arXiv paper 2501.01234.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)

# An exact title is only tried for text that reads like one: no query syntax, and long
# enough that a topic searched for is not taken for the short title of one paper
# ("tidal disruption events" is both): four words and 20 letters or more.
TITLE_MIN_WORDS = 4
TITLE_MIN_KEY = 20
# Query syntax (lib/query.py): a field ("author:x"), an exclusion ("-word"), OR. A colon
# that ends a word is a title's ("Chasm: Uncovering…"), not a field.
_SYNTAX = re.compile(
    r"(?:^|\s)(?:-\S|-?(?:author|au|cat|title|ti|abstract|abs|all):\S)|\bOR\b", re.IGNORECASE
)

# Characters a title key drops: spaces and the punctuation people paste differently. The
# database computes the same key (papers/title_key.py), on SQLite with one nested REPLACE
# per character, and SQLite's parser refuses much beyond 25 levels: keep this set at 20.
# No "%" (Django's parameter marker). Changing the set needs a migration that rebuilds the
# index paper_title_key_idx.
TITLE_KEY_DROPPED = " \t\r\n-–—:;,.?!'\"’()$/"


@dataclass(frozen=True, slots=True)
class NamedPaper:
    """What the text names. ``kind``: "arxiv", "doi" or "title"."""

    kind: str
    arxiv_id: str = ""
    version: int | None = None
    doi: str = ""
    title: str = ""


def parse_named_paper(text: object) -> NamedPaper | None:
    """The paper ``text`` names on its own, or None when it is an ordinary query."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PASTED:
        return None
    if "\x00" in text:
        return None
    found = parse_pasted(text)
    if found:
        return NamedPaper("arxiv", arxiv_id=found[0], version=found[1])
    doi = parse_doi(text)
    if doi:
        arxiv = _ARXIV_DOI.match(doi)
        inner = parse_pasted(arxiv.group("id")) if arxiv else None
        if inner:
            return NamedPaper("arxiv", arxiv_id=inner[0], version=inner[1], doi=doi)
        return NamedPaper("doi", doi=doi)
    title = _title_like(text)
    return NamedPaper("title", title=title) if title else None


def parse_doi(text: str) -> str:
    """The DOI in ``text`` when the text is only a DOI or a doi.org link, else ""."""
    candidate = text.strip().strip("<>\"'").strip()
    match = _DOI.match(candidate) or _DOI.match(unquote(candidate))  # doi.org/10.1002%2F…
    if not match:
        return ""
    doi = unquote(match.group("doi")).rstrip(".,;").lower()  # DOIs ignore case
    return doi if doi.isprintable() else ""


def _title_like(text: str) -> str:
    candidate = " ".join(text.split()).strip("\"'“”‘’ ")
    if len(candidate.split()) < TITLE_MIN_WORDS or _SYNTAX.search(candidate):
        return ""
    if len(title_key(candidate)) < TITLE_MIN_KEY:
        return ""
    return candidate


def title_key(title: str, *, ascii_lower: bool = False) -> str:
    """``title`` without spaces or punctuation, lower case: what exact-title lookup compares.

    ``ascii_lower``: lower only A-Z, as SQLite's LOWER() does (PostgreSQL's follows the
    database locale), so that both spellings of the key can be looked up.
    """
    kept = title.translate(_DROP)
    if ascii_lower:
        return kept.translate(_ASCII_LOWER)
    return kept.lower()


def title_keys(title: str) -> list[str]:
    """The keys a stored title equal to ``title`` may have, whatever the database's LOWER()."""
    return sorted({title_key(title), title_key(title, ascii_lower=True)})


_DROP = str.maketrans("", "", TITLE_KEY_DROPPED)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
