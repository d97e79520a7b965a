"""arXiv identifiers: new style (2501.01234, 0704.0001) and old style (hep-th/9901001)."""

from __future__ import annotations

import re

NEW_STYLE = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?$")
OLD_STYLE = re.compile(r"^(?P<id>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?$")
_PREFIXES = (
    "https://arxiv.org/abs/",
    "http://arxiv.org/abs/",
    "https://arxiv.org/pdf/",
    "http://arxiv.org/pdf/",
    "https://export.arxiv.org/abs/",
    "http://export.arxiv.org/abs/",
    "oai:arxiv.org:",
    "arxiv:",
)


# An id as URLs carry it, captured as ``arxiv_id``: old-style ids contain a slash
# (hep-th/9901001); a version may follow. Views normalize it, and 404 what is not an id.
URL_ID_PATTERN = r"(?P<arxiv_id>[\w.\-]+(?:/\d{7})?(?:v\d+)?)"


class InvalidArxivId(ValueError):
    pass


def split_id(raw: str) -> tuple[str, int | None]:
    """Return (bare id, version or None) for an id, a versioned id, an abs/pdf URL or an OAI id.

    Raises InvalidArxivId with the offending text when it is none of those.
    """
    text = (raw or "").strip()
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.endswith(".pdf"):
        text = text[:-4]
    text = text.rstrip("/")
    for pattern in (NEW_STYLE, OLD_STYLE):
        match = pattern.match(text)
        if match:
            version = match.group("version")
            return match.group("id"), int(version) if version else None
    raise InvalidArxivId(f"not an arXiv id: {raw[:80]!r}")


def normalize_id(raw: str) -> str:
    """The bare id, without version."""
    return split_id(raw)[0]


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


# -- pasted text: "arXiv:2501.01234v2", any arxiv.org link ------------------------------------

# Any arxiv.org page that names one paper: abs, pdf (with or without .pdf), html, format and
# src, on arxiv.org, www. or export., with or without the scheme; a query or fragment is fine.
_ARXIV_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|src|ps)/"
    r"(?P<rest>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
# Old-style ids may carry the subject class ("math.GT/0309136"); arXiv names the paper
# without it ("math/0309136"), and so do the stored ids.
_SUBJECT_CLASS = re.compile(r"^(?P<archive>[a-z\-]+)\.[A-Z]{2}/")
MAX_PASTED = 500


def parse_pasted(text: str) -> tuple[str, int | None] | None:
    """(bare id, version or None) when ``text`` is only an arXiv id or an arxiv.org link to
    one paper, else None. Never raises, whatever the text.

    New-style ids must have a real month (2501.01234 yes, 2513.01234 no), so that numbers
    typed as search words are not taken for ids.
    """
    if not isinstance(text, str) or len(text) > MAX_PASTED:
        return None
    candidate = text.strip().strip("<>\"'").strip()
    url = _ARXIV_URL.match(candidate)
    candidate = url.group("rest") if url else _ARXIV_PREFIX.sub("", candidate, count=1)
    for pattern in (NEW_STYLE, OLD_STYLE):
        match = pattern.match(candidate)
        if match is None:
            continue
        bare = match.group("id")
        if pattern is NEW_STYLE and not 1 <= int(bare[2:4]) <= 12:
            return None
        bare = _SUBJECT_CLASS.sub(r"\g<archive>/", bare)
        version = match.group("version")
        return bare, int(version) if version else None
    return None
