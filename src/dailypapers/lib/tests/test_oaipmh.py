"""OAI-PMH ListRecords/GetRecord (arXiv and arXivRaw formats) become OaiPage values."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.oaipmh import (
    OaiError,
    OaiPage,
    build_list_records_params,
    parse_list_records,
)
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError

FIXTURES = Path(__file__).parent / "fixtures" / "oai-pmh"
SHARED = (Path(__file__).resolve().parents[4] / ".." / "shared").resolve()
REAL_OAI = SHARED / "data" / "fixtures" / "oai-pmh" / "paperhive-oai-pmh_2018" / "bodies"


def parse(name: str) -> OaiPage:
    return parse_list_records((FIXTURES / name).read_bytes())


def test_arxiv_format_page_maps_structured_authors_dates_and_every_text_field() -> None:
    page = parse("listrecords_arxiv_page1.xml")
    assert page.records[0] == PaperRecord(
        arxiv_id="2604.11111",
        title="Caching Results That Were Never Computed: A Study of\n  Speculative Memoisation",
        abstract=(
            "We memoise functions before they are called. The cache is always empty,\n"
            "which makes lookups fast. We prove $O(1)$ bounds for every operation on the\n"
            "empty cache."
        ),
        authors=["Adaeze M. Okafor Jr", "Lotte van der Berg", "The Phantom Collaboration"],
        categories=["cs.PL", "cs.SE"],
        version=None,
        comments="14 pages; v2 adds a proof that the cache is empty",
        journal_ref="J. Invented Comput. 3 (2026) 1-14",
        doi="10.5555/memo.2026.3",
        report_no="IMG-TR-2026-07",
        license="http://creativecommons.org/licenses/by/4.0/",
        submitted_at=datetime(2026, 4, 13, tzinfo=UTC),
        updated_at=datetime(2026, 4, 30, tzinfo=UTC),
    )


def test_old_style_id_with_subject_class_and_no_updated_date() -> None:
    record = parse("listrecords_arxiv_page1.xml").records[1]
    assert record.arxiv_id == "math/0309136"
    assert record.authors == ["G. Sz\\'ekely"]  # TeX is left for the pipeline
    assert record.categories == ["math.GT", "cs.CG"]
    assert record.submitted_at == datetime(2003, 9, 8, tzinfo=UTC)
    assert record.updated_at is None


def test_first_page_reports_deleted_ids_and_a_resumption_token_with_its_counts() -> None:
    page = parse("listrecords_arxiv_page1.xml")
    assert page.deleted_ids == ["2604.22222"]
    assert (page.resumption_token, page.cursor, page.complete_list_size) == ("7730941|1001", 0, 4)
    assert page.response_date == datetime(2026, 5, 4, 9, 15, 27, tzinfo=UTC)
    assert page.skipped == []


def test_last_page_has_an_empty_token_which_means_the_list_is_complete() -> None:
    page = parse("listrecords_arxiv_page2_last.xml")
    assert [r.arxiv_id for r in page.records] == ["2605.00042"]
    assert page.resumption_token is None
    assert (page.cursor, page.complete_list_size) == (3, 4)


def test_arxivraw_versions_give_latest_version_first_and_latest_times() -> None:
    page = parse("listrecords_arxivraw.xml")
    record = page.records[0]
    assert record.arxiv_id == "0704.9999"
    assert record.version == 3  # versions are listed out of order on purpose
    assert record.submitted_at == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert record.updated_at == datetime(2026, 4, 30, 8, 0, tzinfo=UTC)
    assert record.authors == []
    assert record.authors_raw == "A. Bal\\'azs, E. L. Knitwell and the Yarn Collaboration"
    assert record.categories == ["hep-th", "math-ph", "math.MP"]
    assert (record.report_no, record.journal_ref, record.doi) == (
        "YARN-07-01",
        "Yarn Rev. D 1, 000001 (2007)",
        "10.5555/yarn.2007.1",
    )
    assert record.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert record.abstract.startswith("We model yarn")
    assert page.resumption_token == "7731002|1001"
    assert page.complete_list_size == 2417


def test_arxivraw_single_version_old_style_record() -> None:
    record = parse("listrecords_arxivraw.xml").records[1]
    assert (record.arxiv_id, record.version) == ("hep-th/9901001", 1)
    assert record.submitted_at == record.updated_at == datetime(1999, 1, 1, 0, 0, 1, tzinfo=UTC)


def test_arxivraw_record_with_unreadable_version_date_is_skipped_with_reason() -> None:
    page = parse("listrecords_arxivraw.xml")
    assert len(page.records) == 2
    assert page.skipped == [
        SkippedInput("oai:arXiv.org:2605.00077", "unreadable version date 'sometime in spring'")
    ]


def test_getrecord_response_parses_into_one_record() -> None:
    page = parse("getrecord_arxivraw.xml")
    assert len(page.records) == 1
    record = page.records[0]
    assert (record.arxiv_id, record.version, record.categories) == (
        "2501.05555",
        2,
        ["cs.LG", "stat.ML"],
    )
    assert record.updated_at == datetime(2025, 2, 10, 23, 59, 59, tzinfo=UTC)
    assert page.resumption_token is None


def test_no_records_match_is_an_empty_complete_page() -> None:
    page = parse("error_norecordsmatch.xml")
    assert (page.records, page.deleted_ids, page.resumption_token) == ([], [], None)
    assert page.response_date == datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def test_bad_resumption_token_raises_oai_error_with_code_and_message() -> None:
    with pytest.raises(OaiError) as caught:
        parse("error_badresumptiontoken.xml")
    assert caught.value.code == "badResumptionToken"
    assert str(caught.value) == (
        "OAI-PMH error badResumptionToken: "
        "The value of the resumptionToken argument is invalid or expired."
    )
    assert isinstance(caught.value, SourceError)


def test_malformed_records_are_skipped_with_reasons_while_the_rest_parse() -> None:
    page = parse("listrecords_malformed.xml")
    assert [r.title for r in page.records] == ["The Record That Parses"]
    assert page.records[0].authors == ["Gwen Fine"]
    reasons = {skip.where: skip.reason for skip in page.skipped}
    assert reasons == {
        "oai:arXiv.org:2605.00101": "metadata has no title",
        "oai:arXiv.org:2605.00102": (
            "unsupported metadata '{http://www.openarchives.org/OAI/2.0/oai_dc/}dc'"
        ),
        "oai:arXiv.org:2605.00103": "unreadable <created> date 'May the first'",
        "oai:arXiv.org:2605.00104": "record has no metadata",
    }


def test_a_non_oai_document_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="not an OAI-PMH response"):
        parse_list_records(b"<html><body><h1>Retry after 10 seconds</h1></body></html>")


def test_params_for_a_first_request_carry_prefix_set_and_dates() -> None:
    assert build_list_records_params(
        metadata_prefix="arXivRaw",
        set_spec="physics:hep-th",
        from_date=date(2026, 5, 1),
        until_date=date(2026, 5, 2),
    ) == {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "set": "physics:hep-th",
        "from": "2026-05-01",
        "until": "2026-05-02",
    }
    assert build_list_records_params() == {"verb": "ListRecords", "metadataPrefix": "arXiv"}


def test_params_with_a_resumption_token_carry_only_the_verb_and_token() -> None:
    params = build_list_records_params(
        set_spec="cs", from_date=date(2026, 5, 1), resumption_token="7730941|1001"
    )
    assert params == {"verb": "ListRecords", "resumptionToken": "7730941|1001"}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=800))
def test_arbitrary_bytes_raise_only_source_error(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_list_records(data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_real_shaped_pages_raise_only_source_error_or_parse(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["listrecords_arxiv_page1.xml", "listrecords_arxivraw.xml"]))
    original = (FIXTURES / name).read_bytes()
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 200)))
    filler = data.draw(st.binary(max_size=20))
    try:
        page = parse_list_records(original[:start] + filler + original[end:])
    except SourceError:
        return
    assert all(record.arxiv_id and record.title for record in page.records)


@pytest.mark.integration
def test_real_captured_oai_responses_parse_or_are_refused_clearly() -> None:
    if not REAL_OAI.is_dir():
        pytest.skip(f"real OAI-PMH fixtures absent ({REAL_OAI})")
    listing = parse_list_records(
        (
            REAL_OAI / "oaipmh-listrecords---should-list-identifiers-from-arxiv__1_http200.xml"
        ).read_bytes()
    )
    assert [r.arxiv_id for r in listing.records] == ["1412.8544", "hep-th/9504118"]
    assert listing.records[1].report_no == "GOET-TP 101/95"
    assert listing.records[1].abstract.count('"strength"') == 1  # &quot; decoded
    assert listing.resumption_token is None and listing.skipped == []
    single = parse_list_records(
        (REAL_OAI / "oaipmh-getrecord---should-get-a-record__0_http200.xml").read_bytes()
    )
    record = single.records[0]
    assert record.authors == ["Sander Uijlen", "Bas Westerbaan"]
    assert (record.doi, record.categories) == ("10.4204/EPTCS.172.11", ["cs.DM"])
    assert record.submitted_at == datetime(2014, 12, 29, tzinfo=UTC)
    identifiers = "oaipmh-listidentifiers---should-list-identifiers-from-arxiv__0_http200.xml"
    with pytest.raises(SourceError, match="ListIdentifiers"):
        parse_list_records((REAL_OAI / identifiers).read_bytes())
    with pytest.raises(SourceError):
        parse_list_records(
            (
                REAL_OAI / "oaipmh-listrecords---should-list-identifiers-from-arxiv__0_http503.html"
            ).read_bytes()
        )
