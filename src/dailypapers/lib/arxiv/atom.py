"""arXiv API responses (export.arxiv.org/api/query, Atom 1.0) to ``PaperRecord`` values.

Both generations of the API answer in the same namespaces (Atom, opensearch 1.1 and
``http://arxiv.org/schemas/atom``); they differ only in where the namespaces are declared
(per element in the 2016 format, on the root since 2025), in element order, in whether
``arxiv:primary_category`` carries a ``scheme`` and in ``http``/``https`` feed ids. Looking
elements up by qualified name handles both.

Quirks handled here:

* an error is a feed with one entry whose ``<id>`` is ``http(s)://arxiv.org/api/errors#…``;
  it is served with HTTP 400 today and with 200 by the legacy service, so the body decides
  and ``parse_api_feed`` raises ``SourceError`` with arXiv's message (the entry summary);
* an unknown id gives an empty feed (totalResults 0) today; the legacy service could
  return a placeholder entry with neither id nor title, which is dropped silently (it is
  "no result", not a damaged record);
* entry ids are versioned abs URLs (``http://arxiv.org/abs/1111.2011v2``), old-style ids
  included (``http://arxiv.org/abs/astro-ph/0601001v1``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.lib.arxiv.safexml import parse_xml, text_of
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

# arXiv refuses larger pages ("max_results ... 2000"), so asking for more only wastes a call.
MAX_RESULTS_LIMIT = 2000
_ERROR_ID_MARKER = "arxiv.org/api/errors"


@dataclass(slots=True)
class ApiPage:
    """One page of API results plus the opensearch paging numbers."""

    total_results: int
    start_index: int
    items_per_page: int
    records: list[PaperRecord] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)


def build_query_params(
    *,
    search_query: str | None = None,
    id_list: list[str] | None = None,
    start: int = 0,
    max_results: int = 100,
) -> dict[str, str]:
    """Query-string parameters for export.arxiv.org/api/query.

    ``max_results`` is capped at arXiv's limit of 2000. Raises ValueError when neither a
    search query nor ids are given, or when ``start``/``max_results`` are out of range.
    """
    query = (search_query or "").strip()
    ids = [item.strip() for item in (id_list or []) if item and item.strip()]
    if not query and not ids:
        raise ValueError("give a search_query or an id_list (or both)")
    if start < 0:
        raise ValueError(f"start must be >= 0, got {start}")
    if max_results < 1:
        raise ValueError(f"max_results must be >= 1, got {max_results}")
    params: dict[str, str] = {}
    if query:
        params["search_query"] = query
    if ids:
        params["id_list"] = ",".join(ids)
    params["start"] = str(start)
    params["max_results"] = str(min(max_results, MAX_RESULTS_LIMIT))
    return params


def parse_api_feed(data: bytes) -> ApiPage:
    """Parse one API response body. Raises SourceError for error feeds and unusable input."""
    root = parse_xml(data)
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"not an arXiv API Atom feed: root element is {root.tag!r}")
    entries = root.findall(f"{ATOM}entry")
    _raise_if_error_feed(entries)

    page = ApiPage(
        total_results=_opensearch_int(root, "totalResults", default=len(entries)),
        start_index=_opensearch_int(root, "startIndex", default=0),
        items_per_page=_opensearch_int(root, "itemsPerPage", default=len(entries)),
    )
    for number, entry in enumerate(entries, start=1):
        outcome = _record_from_entry(entry, number)
        if isinstance(outcome, PaperRecord):
            page.records.append(outcome)
        elif outcome is not None:
            page.skipped.append(outcome)
    return page


def _raise_if_error_feed(entries: list[ET.Element]) -> None:
    for entry in entries:
        entry_id = text_of(entry.find(f"{ATOM}id"))
        if _ERROR_ID_MARKER in entry_id:
            message = text_of(entry.find(f"{ATOM}summary")) or entry_id
            raise SourceError(f"arXiv API error: {message}")


def _opensearch_int(root: ET.Element, name: str, *, default: int) -> int:
    element = root.find(f"{OPENSEARCH}{name}")
    if element is None:
        return default
    text = text_of(element)
    try:
        value = int(text)
    except ValueError:
        raise SourceError(f"opensearch:{name} is not a number: {text[:40]!r}") from None
    if value < 0:
        raise SourceError(f"opensearch:{name} is negative: {value}")
    return value


def _record_from_entry(entry: ET.Element, number: int) -> PaperRecord | SkippedInput | None:
    raw_id = text_of(entry.find(f"{ATOM}id"))
    title = text_of(entry.find(f"{ATOM}title"))
    if not raw_id and not title:
        return None  # legacy "no result" placeholder, see module docstring
    where = f"entry {number}" + (f" ({raw_id[:80]})" if raw_id else "")
    if not raw_id:
        return SkippedInput(where, "entry has no <id>")
    try:
        arxiv_id, version = split_id(raw_id)
    except InvalidArxivId as exc:
        return SkippedInput(where, str(exc))
    if not title:
        return SkippedInput(where, "entry has no title")
    try:
        submitted_at = _atom_datetime(entry.find(f"{ATOM}published"))
        updated_at = _atom_datetime(entry.find(f"{ATOM}updated"))
    except ValueError as exc:
        return SkippedInput(where, str(exc))

    return PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=text_of(entry.find(f"{ATOM}summary")),
        authors=[
            name
            for author in entry.findall(f"{ATOM}author")
            if (name := text_of(author.find(f"{ATOM}name")))
        ],
        categories=_categories(entry),
        comments=text_of(entry.find(f"{ARXIV}comment")),
        journal_ref=text_of(entry.find(f"{ARXIV}journal_ref")),
        doi=text_of(entry.find(f"{ARXIV}doi")),
        submitted_at=submitted_at,
        updated_at=updated_at,
    )


def _categories(entry: ET.Element) -> list[str]:
    terms: list[str] = []
    primary = entry.find(f"{ARXIV}primary_category")
    if primary is not None:
        terms.append((primary.get("term") or "").strip())
    terms.extend((cat.get("term") or "").strip() for cat in entry.findall(f"{ATOM}category"))
    # dict keeps first-seen order, so the primary stays first and duplicates drop out.
    return list(dict.fromkeys(term for term in terms if term))


def _atom_datetime(element: ET.Element | None) -> datetime | None:
    text = text_of(element)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)  # Python 3.11 accepts the trailing "Z"
    except ValueError:
        raise ValueError(f"unreadable timestamp {text[:40]!r}") from None
    if value.tzinfo is None:
        # arXiv always sends "Z"; a bare timestamp is taken as UTC rather than local time.
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
