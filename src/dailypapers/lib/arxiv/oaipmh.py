"""arXiv OAI-PMH responses (ListRecords, GetRecord) to ``PaperRecord`` values.

Two metadata formats are understood:

* ``arXiv`` (``http://arxiv.org/OAI/arXiv/``): structured authors (keyname, forenames,
  suffix) and ``created``/``updated`` *dates*. Dates become midnight UTC; the format does
  not say which version is current, so ``version`` stays None.
* ``arXivRaw`` (``http://arxiv.org/OAI/arXivRaw/``): one author string (kept in
  ``authors_raw`` for the pipeline to split) and a ``<version version="vN">`` list with
  RFC 2822 timestamps, giving the latest version, the v1 time and the latest time.

Paging follows the OAI-PMH 2.0 spec: a non-empty ``resumptionToken`` means "ask again with
it"; an empty element (or none) means the list is complete, reported as ``None``.
``noRecordsMatch`` is an ordinary empty answer for a quiet date range, not a failure;
any other OAI error raises ``OaiError``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.lib.arxiv.safexml import local_name, parse_xml, text_of
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"


class OaiError(SourceError):
    """An OAI-PMH ``<error code="…">`` answer (badResumptionToken, badArgument, …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}")
        self.code = code
        self.message = message


@dataclass(slots=True)
class OaiPage:
    """One ListRecords/GetRecord response."""

    records: list[PaperRecord] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)
    resumption_token: str | None = None  # None once the list is complete
    complete_list_size: int | None = None
    cursor: int | None = None
    response_date: datetime | None = None


def build_list_records_params(
    *,
    metadata_prefix: str = "arXiv",
    set_spec: str | None = None,
    from_date: date | None = None,
    until_date: date | None = None,
    resumption_token: str | None = None,
) -> dict[str, str]:
    """Query parameters for a ListRecords request.

    With a resumption token the OAI-PMH spec makes it the *only* argument besides the
    verb (the server remembers the rest), so everything else is left out.
    """
    if resumption_token:
        return {"verb": "ListRecords", "resumptionToken": resumption_token}
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date is not None:
        params["from"] = from_date.isoformat()
    if until_date is not None:
        params["until"] = until_date.isoformat()
    return params


def parse_list_records(data: bytes) -> OaiPage:
    """Parse a ListRecords or GetRecord response. Raises OaiError / SourceError."""
    root = parse_xml(data)
    if root.tag != f"{OAI}OAI-PMH":
        raise SourceError(f"not an OAI-PMH response: root element is {root.tag!r}")
    page = OaiPage(response_date=_response_date(root))

    errors = root.findall(f"{OAI}error")
    for error in errors:
        code = (error.get("code") or "").strip()
        if code != "noRecordsMatch":
            raise OaiError(code or "unknown", text_of(error))
    if errors:
        return page  # only noRecordsMatch: nothing in this range, an empty complete list

    body = root.find(f"{OAI}ListRecords")
    if body is None:
        body = root.find(f"{OAI}GetRecord")
    if body is None:
        verbs = [local_name(child.tag) for child in root]
        raise SourceError(f"expected a ListRecords or GetRecord response, got {verbs}")

    for number, record in enumerate(body.findall(f"{OAI}record"), start=1):
        _read_record(record, number, page)

    token = body.find(f"{OAI}resumptionToken")
    if token is not None:
        page.resumption_token = text_of(token) or None
        page.complete_list_size = _int_attr(token, "completeListSize")
        page.cursor = _int_attr(token, "cursor")
    return page


def _response_date(root: ET.Element) -> datetime | None:
    text = text_of(root.find(f"{OAI}responseDate"))
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None  # informational only; a bad stamp must not lose the page
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _int_attr(element: ET.Element, name: str) -> int | None:
    value = (element.get(name) or "").strip()
    return int(value) if value.isdecimal() else None


def _read_record(record: ET.Element, number: int, page: OaiPage) -> None:
    header = record.find(f"{OAI}header")
    identifier = text_of(header.find(f"{OAI}identifier")) if header is not None else ""
    where = identifier or f"record {number}"
    if header is not None and header.get("status") == "deleted":
        try:
            page.deleted_ids.append(split_id(identifier)[0])
        except InvalidArxivId as exc:
            page.skipped.append(SkippedInput(where, f"deleted record: {exc}"))
        return

    metadata = record.find(f"{OAI}metadata")
    payload = next(iter(metadata), None) if metadata is not None else None
    if payload is None:
        page.skipped.append(SkippedInput(where, "record has no metadata"))
        return
    try:
        if payload.tag == f"{ARXIV}arXiv":
            page.records.append(_from_arxiv_format(payload))
        elif payload.tag == f"{ARXIV_RAW}arXivRaw":
            page.records.append(_from_arxiv_raw(payload))
        else:
            page.skipped.append(SkippedInput(where, f"unsupported metadata {payload.tag!r}"))
    except ValueError as exc:  # InvalidArxivId is a ValueError too
        page.skipped.append(SkippedInput(where, str(exc)))


def _base_record(meta: ET.Element, ns: str) -> PaperRecord:
    """Fields the two formats share; raises ValueError when id or title is missing."""
    raw_id = text_of(meta.find(f"{ns}id"))
    if not raw_id:
        raise ValueError("metadata has no <id>")
    arxiv_id, _ = split_id(raw_id)
    title = text_of(meta.find(f"{ns}title"))
    if not title:
        raise ValueError("metadata has no title")
    categories = text_of(meta.find(f"{ns}categories")).split()
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=text_of(meta.find(f"{ns}abstract")),
        categories=list(dict.fromkeys(categories)),  # primary is listed first by arXiv
        comments=text_of(meta.find(f"{ns}comments")),
        journal_ref=text_of(meta.find(f"{ns}journal-ref")),
        doi=text_of(meta.find(f"{ns}doi")),
        report_no=text_of(meta.find(f"{ns}report-no")),
        license=text_of(meta.find(f"{ns}license")),
    )


def _from_arxiv_format(meta: ET.Element) -> PaperRecord:
    record = _base_record(meta, ARXIV)
    for author in meta.iterfind(f"{ARXIV}authors/{ARXIV}author"):
        parts = (
            text_of(author.find(f"{ARXIV}forenames")),
            text_of(author.find(f"{ARXIV}keyname")),
            text_of(author.find(f"{ARXIV}suffix")),
        )
        name = " ".join(part for part in parts if part)
        if name:
            record.authors.append(name)
    record.submitted_at = _midnight_utc(meta.find(f"{ARXIV}created"), "created")
    record.updated_at = _midnight_utc(meta.find(f"{ARXIV}updated"), "updated")
    return record


def _from_arxiv_raw(meta: ET.Element) -> PaperRecord:
    record = _base_record(meta, ARXIV_RAW)
    record.authors_raw = text_of(meta.find(f"{ARXIV_RAW}authors"))
    versions: dict[int, datetime] = {}
    for element in meta.findall(f"{ARXIV_RAW}version"):
        label = (element.get("version") or "").strip()
        if not (label[:1] in ("v", "V") and label[1:].isdecimal()):
            raise ValueError(f"bad version label {label[:20]!r}")
        versions[int(label[1:])] = _rfc2822_utc(text_of(element.find(f"{ARXIV_RAW}date")))
    if versions:
        record.version = max(versions)
        record.submitted_at = versions[min(versions)]
        record.updated_at = versions[record.version]
    return record


def _midnight_utc(element: ET.Element | None, name: str) -> datetime | None:
    text = text_of(element)
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unreadable <{name}> date {text[:40]!r}") from None
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _rfc2822_utc(text: str) -> datetime:
    """'Mon, 2 Apr 2007 19:18:42 GMT' as an aware UTC datetime."""
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise ValueError(f"unreadable version date {text[:40]!r}") from None
    # parsedate_to_datetime returns a naive value for "-0000" (unknown zone); arXiv means UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
