"""rss.arxiv.org RSS 2.0 daily listings become ListingPage values."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.rss import ListingPage, parse_listing_feed
from dailypapers.lib.records import PaperRecord, SourceError

FIXTURES = Path(__file__).parent / "fixtures" / "rss"
SHARED = (Path(__file__).resolve().parents[4] / ".." / "shared").resolve()
REAL_RSS = SHARED / "data" / "fixtures" / "rss" / "jmamath-distill_2026-04-27"
MIXED = "rss_cs.DL_2026-05-05_mixed.xml"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str) -> ListingPage:
    return parse_listing_feed(load(name))


def test_new_item_maps_id_version_abstract_authors_and_announcement() -> None:
    page = parse(MIXED)
    assert page.announced_on == date(2026, 5, 5)
    assert page.records[0] == PaperRecord(
        arxiv_id="2605.01234",
        version=1,
        title="Shelving Books by the Colour of Their Spines: A Cataloguing Proposal",
        abstract=(
            "We propose that libraries shelve books by spine colour. Retrieval gets harder, "
            "browsing gets prettier, and we measure both on an invented library of $10^4$ "
            "volumes. Abstract: the word above appears twice on purpose."
        ),
        authors_raw="Marisol Quennell-Adebayo, Tomasz Wierzbicki,  Hiroko, Jean-Luc d'Arcy",
        categories=["cs.DL", "cs.IR"],
        license="http://creativecommons.org/licenses/by/4.0/",
        announced_on=date(2026, 5, 5),
        announce_type="new",
    )


def test_every_announce_type_is_read_and_items_keep_feed_order() -> None:
    page = parse(MIXED)
    assert [(r.arxiv_id, r.version, r.announce_type) for r in page.records] == [
        ("2605.01234", 1, "new"),
        ("2605.00987", 1, "cross"),
        ("2411.04321", 3, "replace"),
        ("cs/0112017", 2, "replace-cross"),
    ]
    assert page.skipped == []


def test_cross_list_keeps_the_papers_own_primary_first_not_the_feeds_category() -> None:
    cross = parse(MIXED).records[1]
    assert cross.categories == ["cs.IR", "cs.DL", "cs.CL"]
    assert cross.primary_category == "cs.IR"


def test_abstract_keeps_its_hard_wraps_and_authors_keep_tex() -> None:
    records = parse(MIXED).records
    assert records[2].abstract == (
        "We release an invented dataset of due dates\n"
        "and revise the counts after finding a calendar with thirteen months."
    )
    assert records[3].authors_raw == "R. Gonz\\'alez, S. M\\\"uller"
    assert records[3].authors == []


def test_dates_are_taken_in_the_feeds_own_timezone_not_converted() -> None:
    data = load(MIXED).replace(
        b"<pubDate>Tue, 05 May 2026 00:00:00 -0400</pubDate>\n      <arxiv:announce_type>new",
        b"<pubDate>Wed, 06 May 2026 00:30:00 +0900</pubDate>\n      <arxiv:announce_type>new",
    )
    record = parse_listing_feed(data).records[0]
    assert record.announced_on == date(2026, 5, 6)  # 2026-05-05 15:30 in UTC


def test_weekend_feed_without_items_is_zero_records_with_the_channel_date() -> None:
    page = parse("rss_math.QA_2026-05-09_empty.xml")
    assert (page.records, page.skipped) == ([], [])
    assert page.announced_on == date(2026, 5, 9)


def test_channel_without_pubdate_falls_back_to_last_build_date() -> None:
    data = load("rss_math.QA_2026-05-09_empty.xml").replace(
        b"<pubDate>Sat, 09 May 2026 00:00:00 -0400</pubDate>", b""
    )
    assert parse_listing_feed(data).announced_on == date(2026, 5, 9)


def test_malformed_items_are_skipped_with_reasons_while_the_rest_parse() -> None:
    page = parse("rss_cs.DL_malformed_items.xml")
    reasons = {skip.where: skip.reason for skip in page.skipped}
    assert reasons == {
        "oai:arXiv.org:garbage": "not an arXiv id: 'oai:arXiv.org:garbage'",
        "oai:arXiv.org:2605.02002v1": "item has no title",
        "oai:arXiv.org:2605.02003v1": "unreadable pubDate 'the day after tomorrow'",
    }
    (record,) = page.records
    # Only a link: no version; no pubDate or announce_type element: channel date and
    # the type named in the description are used.
    assert (record.arxiv_id, record.version) == ("2605.02004", None)
    assert record.announced_on == date(2026, 5, 6)
    assert record.announce_type == "replace"
    assert record.abstract == "Parses, without a version."


def test_unknown_announce_type_is_skipped() -> None:
    data = load(MIXED).replace(b">cross</arxiv:announce_type>", b">sideways</arxiv:announce_type>")
    page = parse_listing_feed(data)
    assert [s.reason for s in page.skipped] == ["unknown announce type 'sideways'"]
    assert len(page.records) == 3


def test_atom_listing_feed_is_refused_with_a_clear_message() -> None:
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>cs.DL updates</title></feed>'
    with pytest.raises(SourceError, match="Atom listing feeds are not supported"):
        parse_listing_feed(atom)


def test_feed_error_channel_is_a_source_error() -> None:
    data = (
        b"<rss version='2.0'><channel><title>Feed error for query: cs.NOPE</title></channel></rss>"
    )
    with pytest.raises(SourceError, match="Feed error for query: cs.NOPE"):
        parse_listing_feed(data)


def test_non_rss_document_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not an RSS 2.0 feed"):
        parse_listing_feed(b"<html><body>maintenance</body></html>")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=800))
def test_arbitrary_bytes_raise_only_source_error(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_listing_feed(data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_real_shaped_feeds_raise_only_source_error_or_parse(data: st.DataObject) -> None:
    original = load(MIXED)
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 200)))
    filler = data.draw(st.binary(max_size=20))
    try:
        page = parse_listing_feed(original[:start] + filler + original[end:])
    except SourceError:
        return
    assert all(record.arxiv_id and record.title for record in page.records)


@pytest.mark.integration
def test_real_captured_rss_feeds_parse_completely() -> None:
    if not REAL_RSS.is_dir():
        pytest.skip(f"real RSS fixtures absent ({REAL_RSS})")
    files = sorted(REAL_RSS.glob("*.xml"))
    assert len(files) == 3
    for path in files:
        page = parse_listing_feed(path.read_bytes())
        category = path.name.split("_")[2]  # rss_arxiv_cs.AI_2026-04-27.xml
        assert page.announced_on == date(2026, 4, 27)
        assert len(page.records) == 3 and page.skipped == []
        for record in page.records:
            assert record.announce_type == "new"
            assert record.primary_category == category
            assert record.version == 1 and record.authors_raw and record.abstract
            assert not record.abstract.startswith("Abstract")
    first = parse_listing_feed(files[0].read_bytes()).records[0]
    assert (first.arxiv_id, first.categories) == ("2604.21935", ["cs.AI", "cs.LG"])
    assert first.authors_raw == "Michael Cooper, Samuel Cooper"
