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


def is_valid_id(raw: str) -> bool:
    try:
        split_id(raw)
    except InvalidArxivId:
        return False
    return True


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
