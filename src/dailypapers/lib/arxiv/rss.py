"""rss.arxiv.org daily listing feeds (RSS 2.0, the format since January 2024).

One feed is one announcement day for one or more categories. Each ``<item>`` carries:

* ``<guid>oai:arXiv.org:2604.21935v1</guid>``: id and announced version (``<link>`` has
  no version and is only a fallback);
* ``<description>arXiv:2604.21935v1 Announce Type: new \\nAbstract: …</description>``: the
  abstract is the text after the first ``Abstract:``;
* ``<dc:creator>A, B, C</dc:creator>``: one author string, kept in ``authors_raw`` (the
  pipeline splits it; names may contain odd spacing such as ``"B,  Deepti"``);
* ``<category>`` elements and ``<arxiv:announce_type>`` (new, cross, replace,
  replace-cross); ``<dc:rights>`` is the paper licence.

Primary category: the feed has no ``primary_category`` element. The ``<category>``
elements follow the paper's category list as arXiv's listings show it, primary first
(every ``new`` item of a cs.AI feed starts with cs.AI), so the first one is taken as the
primary. For ``cross`` items this is the paper's own primary, not the feed's category.

Dates: ``announced_on`` is the calendar date of ``pubDate`` *in the timezone the feed
gives* (arXiv publishes at midnight US/Eastern, e.g. ``Mon, 27 Apr 2026 00:00:00 -0400``);
converting to a zone west of that first (a server on Pacific time) would move it to the
previous day. The channel's ``pubDate``
(else ``lastBuildDate``) dates the page and any item without its own ``pubDate``.

Weekends and holidays produce a channel with no items, which is zero records.

The Atom flavour (rss.arxiv.org/atom/…) is not parsed here: no real capture was available
to pin down its structure, so it is refused with a clear SourceError.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime

from dailypapers.lib.arxiv.ids import InvalidArxivId, split_id
from dailypapers.lib.arxiv.safexml import parse_xml, text_of
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError

ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM_FEED = "{http://www.w3.org/2005/Atom}feed"

ANNOUNCE_TYPES = frozenset({"new", "cross", "replace", "replace-cross"})
_ABSTRACT_MARKER = "Abstract:"
_TYPE_MARKER = "Announce Type:"


@dataclass(slots=True)
class ListingPage:
    """One day's listing feed."""

    announced_on: date | None
    records: list[PaperRecord] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)


def parse_listing_feed(data: bytes) -> ListingPage:
    """Parse an rss.arxiv.org RSS 2.0 feed. Raises SourceError for unusable input."""
    root = parse_xml(data)
    if root.tag == ATOM_FEED:
        raise SourceError("Atom listing feeds are not supported; fetch rss.arxiv.org/rss/…")
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise SourceError(f"not an RSS 2.0 feed: root element is {root.tag!r}")
    title = text_of(channel.find("title"))
    if title.lower().startswith("feed error"):
        # rss.arxiv.org answers an unknown category with an otherwise empty error feed.
        raise SourceError(f"arXiv RSS error: {title}")

    page = ListingPage(announced_on=_channel_date(channel))
    for number, item in enumerate(channel.findall("item"), start=1):
        outcome = _record_from_item(item, number, page.announced_on)
        if isinstance(outcome, PaperRecord):
            page.records.append(outcome)
        else:
            page.skipped.append(outcome)
    return page


def _channel_date(channel: ET.Element) -> date | None:
    for name in ("pubDate", "lastBuildDate"):
        try:
            day = _local_date(text_of(channel.find(name)))
        except ValueError:
            continue  # a bad channel stamp should not cost the whole day's items
        if day is not None:
            return day
    return None


def _local_date(text: str) -> date | None:
    """The calendar date of an RFC 2822 timestamp, in the timezone it is written in."""
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        raise ValueError(f"unreadable pubDate {text[:40]!r}") from None


def _record_from_item(
    item: ET.Element, number: int, channel_day: date | None
) -> PaperRecord | SkippedInput:
    guid = text_of(item.find("guid"))
    link = text_of(item.find("link"))
    where = guid or link or f"item {number}"
    description = text_of(item.find("description"))

    parsed: tuple[str, int | None] | None = None
    problems: list[str] = []
    for candidate in (guid, link):
        if not candidate:
            continue
        try:
            parsed = split_id(candidate)
            break
        except InvalidArxivId as exc:
            problems.append(str(exc))
    if parsed is None:
        return SkippedInput(where, "; ".join(problems) or "item has no guid or link")
    arxiv_id, version = parsed

    title = text_of(item.find("title"))
    if not title:
        return SkippedInput(where, "item has no title")
    try:
        announced_on = _local_date(text_of(item.find("pubDate"))) or channel_day
    except ValueError as exc:
        return SkippedInput(where, str(exc))

    announce_type = text_of(item.find(f"{ARXIV}announce_type")) or _type_from(description)
    if announce_type and announce_type not in ANNOUNCE_TYPES:
        return SkippedInput(where, f"unknown announce type {announce_type[:30]!r}")

    creators = [text for el in item.findall(f"{DC}creator") if (text := text_of(el))]
    categories = [text for el in item.findall("category") if (text := text_of(el))]
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=_abstract_from(description),
        authors_raw=", ".join(creators),
        categories=list(dict.fromkeys(categories)),
        license=text_of(item.find(f"{DC}rights")),
        announced_on=announced_on,
        announce_type=announce_type,
    )


def _abstract_from(description: str) -> str:
    head, marker, rest = description.partition(_ABSTRACT_MARKER)
    # Without the marker the whole description is the best the feed offers.
    return rest.strip() if marker else head.strip()


def _type_from(description: str) -> str:
    """'arXiv:2604.21935v1 Announce Type: new \\nAbstract: …' -> 'new'."""
    _, marker, rest = description.partition(_TYPE_MARKER)
    if not marker:
        return ""
    words = rest.split(None, 1)
    return words[0] if words else ""
