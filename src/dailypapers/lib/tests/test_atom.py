"""arXiv API Atom feeds (legacy 2016 and current 2026 shapes) become ApiPage values."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.atom import ApiPage, build_query_params, parse_api_feed
from dailypapers.lib.records import PaperRecord, SourceError

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv-api"
SHARED = (Path(__file__).resolve().parents[4] / ".." / "shared").resolve()
REAL_API = SHARED / "data" / "fixtures" / "arxiv-api"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str) -> ApiPage:
    return parse_api_feed(load(name))


def test_legacy_feed_reads_paging_numbers_from_per_element_opensearch_namespaces() -> None:
    page = parse("legacy_2016_search.atom.xml")
    assert (page.total_results, page.start_index, page.items_per_page) == (27, 0, 3)
    assert [r.arxiv_id for r in page.records] == ["1203.4567", "hep-th/9905123", "1502.00871"]
    assert page.skipped == []


def test_legacy_entry_maps_every_field_and_keeps_hard_wraps_and_tex() -> None:
    record = parse("legacy_2016_search.atom.xml").records[0]
    assert record == PaperRecord(
        arxiv_id="1203.4567",
        version=3,
        title=(
            "Frustrated Ladders of Imaginary Spins: A Toy Model with Surprisingly Long\n"
            "  Correlation Lengths"
        ),
        abstract=(
            "We invent a ladder of imaginary spins whose rungs disagree with each other\n"
            "on purpose. A simple counting argument, written here only to exercise a\n"
            "parser, suggests correlation lengths of order $\\xi \\sim e^{J/T}$ that nobody\n"
            "has measured, because the material does not exist."
        ),
        authors=["Orla K. Vantongeren", "Bertil Ashworth-Nakamura"],
        categories=["cond-mat.str-el", "quant-ph"],
        comments="12 pages, 4 figures; v3: typos fixed",
        journal_ref="J. Invented Phys. 7, 101 (2012)",
        doi="10.5555/fake.2012.0042",
        submitted_at=datetime(2012, 3, 20, 17, 2, 11, tzinfo=UTC),
        updated_at=datetime(2012, 9, 14, 8, 15, 40, tzinfo=UTC),
    )


def test_old_style_versioned_id_splits_into_bare_id_and_version() -> None:
    record = parse("legacy_2016_search.atom.xml").records[1]
    assert (record.arxiv_id, record.version) == ("hep-th/9905123", 2)
    assert record.authors == ["Q. Ferreira-Lindqvist"]  # the affiliation is not a name
    assert record.categories == ["hep-th", "gr-qc"]


def test_primary_category_comes_first_even_when_listed_later() -> None:
    record = parse("legacy_2016_search.atom.xml").records[2]
    assert record.categories == ["math.CO", "math.PR"]
    assert record.primary_category == "math.CO"


def test_current_feed_with_root_namespaces_maps_fields_and_unescapes_entities() -> None:
    page = parse("current_2026_id_list.atom.xml")
    assert (page.total_results, page.start_index, page.items_per_page) == (2, 0, 100)
    old, new = page.records
    assert (old.arxiv_id, old.version) == ("astro-ph/0512345", 1)
    assert old.categories == ["astro-ph"]
    assert old.authors == ["Russell Teapot-Orbit", "M. de la Vega Okonkwo"]
    assert old.abstract.endswith("the upper limit is 3 < N < 5 & falling.")
    assert old.journal_ref == "Imag. Astron. J. 12:34-56, 2006"
    assert old.doi == ""
    assert old.submitted_at == old.updated_at == datetime(2005, 12, 14, 21, 7, 33, tzinfo=UTC)
    assert (new.arxiv_id, new.version) == ("2503.01234", 2)
    assert new.title == "Sorting $\\mathcal{O}(n)$ Socks with a Single Drawer"
    assert new.categories == ["cs.DS", "cs.DM"]  # duplicate category dropped
    assert new.doi == "10.5555/laundry.2025.001"
    assert new.comments == "v2: added a second drawer in the appendix"
    assert new.submitted_at == datetime(2025, 3, 3, 18, 0, 5, tzinfo=UTC)
    assert new.updated_at == datetime(2025, 3, 9, 10, 11, 12, tzinfo=UTC)


def test_empty_result_is_zero_records_not_an_error() -> None:
    page = parse("current_2026_empty.atom.xml")
    assert (page.total_results, page.records, page.skipped) == (0, [], [])


def test_legacy_placeholder_entry_without_id_or_title_counts_as_no_result() -> None:
    page = parse("legacy_2016_placeholder_entry.atom.xml")
    assert page.records == []
    assert page.skipped == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("current_2026_error_400.atom.xml", "arXiv API error: incorrect id format for not-an-id"),
        ("legacy_2016_error_200.atom.xml", "arXiv API error: start must be an integer"),
    ],
)
def test_error_feed_raises_with_arxivs_message(name: str, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(name)
    assert str(caught.value) == message


def test_malformed_entries_are_skipped_with_reasons_while_the_rest_parse() -> None:
    page = parse("current_2026_malformed_entries.atom.xml")
    assert [r.arxiv_id for r in page.records] == ["2605.00004"]
    assert page.records[0].authors == ["Pat Example"]
    reasons = {skip.where: skip.reason for skip in page.skipped}
    assert reasons == {
        "entry 1 (http://arxiv.org/abs/not-an-arxiv-id)": (
            "not an arXiv id: 'http://arxiv.org/abs/not-an-arxiv-id'"
        ),
        "entry 2 (http://arxiv.org/abs/2605.00002v1)": "entry has no title",
        "entry 3 (http://arxiv.org/abs/2605.00003v1)": "unreadable timestamp 'yesterday-ish'",
    }


def test_a_non_atom_document_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not an arXiv API Atom feed"):
        parse_api_feed(b"<html><body><h1>Retry after 10 seconds</h1></body></html>")


def test_non_numeric_total_results_is_a_source_error() -> None:
    data = load("current_2026_empty.atom.xml").replace(
        b"<opensearch:totalResults>0<", b"<opensearch:totalResults>lots<"
    )
    with pytest.raises(SourceError, match="totalResults is not a number"):
        parse_api_feed(data)


def test_offset_timestamps_are_converted_to_utc() -> None:
    data = load("current_2026_id_list.atom.xml").replace(
        b"2025-03-03T18:00:05Z", b"2025-03-03T20:00:05+02:00"
    )
    record = parse_api_feed(data).records[1]
    assert record.submitted_at == datetime(2025, 3, 3, 18, 0, 5, tzinfo=UTC)


def test_query_params_for_a_search_and_for_an_id_list() -> None:
    assert build_query_params(search_query="cat:cs.DL", start=200, max_results=50) == {
        "search_query": "cat:cs.DL",
        "start": "200",
        "max_results": "50",
    }
    assert build_query_params(id_list=["2503.01234v2", "hep-th/9905123"]) == {
        "id_list": "2503.01234v2,hep-th/9905123",
        "start": "0",
        "max_results": "100",
    }


def test_query_params_cap_max_results_at_arxivs_limit() -> None:
    assert build_query_params(search_query="all:yarn", max_results=50_000)["max_results"] == "2000"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"search_query": "  "},
        {"id_list": []},
        {"search_query": "x", "start": -1},
        {"search_query": "x", "max_results": 0},
    ],
)
def test_query_params_refuse_requests_that_cannot_be_right(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        build_query_params(**kwargs)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=800))
def test_arbitrary_bytes_raise_only_source_error(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_api_feed(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_real_shaped_feeds_raise_only_source_error_or_parse(data: st.DataObject) -> None:
    original = load("legacy_2016_search.atom.xml")
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 200)))
    filler = data.draw(st.binary(max_size=20))
    try:
        page = parse_api_feed(original[:start] + filler + original[end:])
    except SourceError:
        return
    assert all(record.arxiv_id and record.title for record in page.records)


@pytest.mark.integration
def test_every_real_captured_api_feed_parses_or_raises_the_error_message() -> None:
    if not REAL_API.is_dir():
        pytest.skip(f"real API fixtures absent ({REAL_API})")
    files = sorted(REAL_API.glob("lukasschwab-arxiv.py_2016/*.xml"))
    files += sorted(REAL_API.glob("lukasschwab-arxiv.py_2026/bodies/*.xml"))
    assert len(files) == 25
    for path in files:
        if path.name.startswith("id_abc_"):
            with pytest.raises(SourceError, match="incorrect id format for abc"):
                parse_api_feed(path.read_bytes())
            continue
        page = parse_api_feed(path.read_bytes())
        assert page.skipped == [], path.name
        assert len(page.records) <= page.items_per_page, path.name
        for record in page.records:
            assert record.title and record.categories and record.authors, path.name
            assert record.submitted_at is not None and record.submitted_at.tzinfo is UTC
    legacy = parse_api_feed(
        (REAL_API / "lukasschwab-arxiv.py_2016/query_au_del_maestro.atom.xml").read_bytes()
    )
    assert (legacy.total_results, len(legacy.records)) == (31, 10)
    old = parse_api_feed(
        next(REAL_API.glob("lukasschwab-arxiv.py_2026/bodies/id_astro-ph_*")).read_bytes()
    ).records[0]
    assert (old.arxiv_id, old.version, old.categories) == ("astro-ph/0601001", 1, ["astro-ph"])
    for name in ("id_0000.0000_", "id_0808.05394_s0"):
        empty = parse_api_feed(
            next(REAL_API.glob(f"lukasschwab-arxiv.py_2026/bodies/{name}*")).read_bytes()
        )
        assert (empty.total_results, empty.records) == (0, [])
