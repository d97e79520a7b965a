"""Kaggle arxiv-metadata JSON lines become PaperRecords, streamed and defended."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv.kaggle import iter_jsonl, record_from_kaggle
from dailypapers.lib.records import PaperRecord, SkippedInput, SourceError

FIXTURES = Path(__file__).parent / "fixtures" / "jsonl"
SAMPLE = FIXTURES / "kaggle_sample.jsonl"
MIXED = FIXTURES / "kaggle_mixed.jsonl"
SHARED = (Path(__file__).resolve().parents[4] / ".." / "shared").resolve()
SHARED_DUMP = SHARED / "data" / "arxiv-metadata.jsonl.gz"
SHARED_HEAD = SHARED / "data" / "raw" / "kaggle-arxiv-metadata-oai-snapshot_head200.jsonl"


def records_of(path: Path, **kwargs) -> list[PaperRecord]:
    return [item for _, item in iter_jsonl(path, **kwargs) if isinstance(item, PaperRecord)]


def test_full_kaggle_record_maps_every_field() -> None:
    first = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    assert record_from_kaggle(first) == PaperRecord(
        arxiv_id="0704.9991",
        title="Calculating Nothing at Two Loops and\n  Beyond",
        abstract="We compute nothing, carefully, at two loops. The result agrees with\n"
        "nothing to all orders.",
        authors=["C. Balázs", "E. L. Knitwell", "J. van Dijk Jr", "M. O'Neill"],
        authors_raw="",
        categories=["hep-ph", "hep-th"],
        version=3,
        comments="37 pages, 15 figures; published version",
        journal_ref="Imag. Rev. D76:013009,2007",
        doi="10.5555/nothing.2007",
        report_no="INV-HEP-07-12",
        license="",
        submitted_at=datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC),
        updated_at=datetime(2007, 11, 9, 8, 0, tzinfo=UTC),
    )


def test_sample_file_streams_old_style_and_listing_shaped_records() -> None:
    items = list(iter_jsonl(SAMPLE))
    assert [number for number, _ in items] == [1, 2, 3, 4]
    _, old, listing, bare = (item for _, item in items)
    # Empty authors_parsed falls back to the author string, left for the pipeline to split.
    assert (old.arxiv_id, old.version, old.authors, old.authors_raw) == (
        "hep-th/9901001",
        1,
        [],
        "P. Oldstyle",
    )
    assert old.submitted_at == old.updated_at == datetime(1999, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert old.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert listing.authors_raw == "Marisol Quennell-Adebayo, Tomasz Wierzbicki"
    assert listing.categories == ["cs.DL", "cs.IR"]
    assert (listing.version, listing.submitted_at, listing.updated_at) == (None, None, None)
    assert (listing.journal_ref, listing.doi, listing.license) == ("", "", "")
    # No versions: update_date is the only time known, as midnight UTC.
    assert (bare.authors_raw, bare.updated_at) == ("", datetime(2026, 5, 6, tzinfo=UTC))


def test_mixed_file_skips_bad_lines_with_line_numbers_and_parses_the_rest() -> None:
    items = list(iter_jsonl(MIXED))
    good = [(n, r.arxiv_id) for n, r in items if isinstance(r, PaperRecord)]
    assert good == [(1, "2605.01234"), (11, "hep-th/9901001")]  # blank lines 2-3 ignored
    skipped = {n: s for n, s in items if isinstance(s, SkippedInput)}
    assert sorted(skipped) == [4, 5, 6, 7, 8, 9, 10]
    assert all(skip.where == f"line {n}" for n, skip in skipped.items())
    assert skipped[4].reason.startswith("invalid JSON: ") and "column" in skipped[4].reason
    assert skipped[5].reason == "expected a JSON object, got list"
    assert skipped[6].reason == "2605.00002: missing title"
    assert skipped[7].reason == "field 'categories' must be a string or null, got list"
    assert skipped[8].reason == "not an arXiv id: '12345'"
    assert skipped[9].reason == "2605.00005: bad version date 'whenever'"
    assert skipped[10].reason == "2605.00006: authors_parsed must be a list"


def test_gzip_is_detected_by_magic_bytes_not_by_name(tmp_path: Path) -> None:
    disguised = tmp_path / "export.txt"
    disguised.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    plain_named_gz = tmp_path / "plain.jsonl.gz"
    plain_named_gz.write_bytes(SAMPLE.read_bytes())
    expected = records_of(SAMPLE)
    assert len(expected) == 4
    assert records_of(disguised) == expected
    assert records_of(plain_named_gz) == expected


def test_multi_member_gzip_is_read_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "two-members.gz"
    path.write_bytes(gzip.compress(SAMPLE.read_bytes()) + gzip.compress(SAMPLE.read_bytes()))
    assert len(records_of(path)) == 8


def test_truncated_gzip_raises_source_error_after_the_readable_lines(tmp_path: Path) -> None:
    body = SAMPLE.read_bytes() * 50
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(body)[:-12])  # trailer and some data lost
    seen: list[int] = []
    with pytest.raises(SourceError, match="gzip stream ends before its end-of-stream marker"):
        for number, _ in iter_jsonl(path):
            seen.append(number)
    assert seen and seen == list(range(1, len(seen) + 1))


def test_corrupt_gzip_data_raises_source_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    with pytest.raises(SourceError, match="unreadable after line 0"):
        list(iter_jsonl(path))


def test_binary_garbage_is_refused_as_not_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SourceError, match="not a JSON-lines or gzip file"):
        list(iter_jsonl(path))


def test_overlong_line_is_skipped_and_the_next_line_still_parses(tmp_path: Path) -> None:
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[2]
    path = tmp_path / "long.jsonl"
    path.write_text('{"id": "2605.09999", "title": "' + "x" * 5000 + '"}\n' + good + "\n")
    items = list(iter_jsonl(path, max_line_bytes=1000))
    assert items[0] == (1, SkippedInput("line 1", "longer than 1000 bytes"))
    assert items[1][0] == 2 and items[1][1].arxiv_id == "2605.01234"


def test_gzip_bomb_without_newlines_is_one_skipped_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(b"\0" * 20_000_000, compresslevel=9))
    assert list(iter_jsonl(path, max_line_bytes=1000)) == [
        (1, SkippedInput("line 1", "longer than 1000 bytes"))
    ]


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open"):
        list(iter_jsonl(tmp_path / "nope.jsonl"))


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"title": "T"}, "missing or non-string id: None"),
        ({"id": 704.0001, "title": "T"}, "missing or non-string id: 704.0001"),
        ({"id": "0704.0001v"}, "not an arXiv id: '0704.0001v'"),
        ({"id": "0704.0001", "title": "   "}, "0704.0001: missing title"),
        ({"id": "0704.0001", "title": 7}, "field 'title' must be a string or null, got int"),
        ({"id": "0704.0001", "title": "T", "versions": "v1"}, "0704.0001: versions must be a list"),
        (
            {"id": "0704.0001", "title": "T", "versions": [{"version": "1", "created": "x"}]},
            "0704.0001: bad versions entry {'version': '1', 'created': 'x'}",
        ),
        (
            {"id": "0704.0001", "title": "T", "authors_parsed": [["A", 1, ""]]},
            "0704.0001: authors_parsed rows must be lists of strings",
        ),
        (
            {"id": "0704.0001", "title": "T", "update_date": "soon"},
            "0704.0001: bad update_date 'soon'",
        ),
    ],
)
def test_invalid_objects_raise_value_error_with_a_clear_reason(obj: dict, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        record_from_kaggle(obj)
    assert str(caught.value) == reason


def test_versioned_id_without_versions_list_keeps_the_ids_version() -> None:
    record = record_from_kaggle({"id": "2104.12255v4", "title": "T"})
    assert (record.arxiv_id, record.version) == ("2104.12255", 4)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KAGGLE_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "abstract",
        "authors",
        "authors_parsed",
        "categories",
        "versions",
        "update_date",
        "license",
        "doi",
        "comments",
        "journal-ref",
        "report-no",
    ]
)


OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["0704.0001", "hep-th/9901001v2", "", "x/1", 704]) | JSON_VALUES,
        "title": st.sampled_from(["A title", " ", None]) | JSON_VALUES,
    },
).flatmap(
    lambda base: st.dictionaries(KAGGLE_KEYS, JSON_VALUES, max_size=6).map(
        lambda extra: {**extra, **base}
    )
)


@settings(max_examples=300, deadline=None)
@given(OBJECTS)
def test_arbitrary_objects_raise_only_value_error(obj: dict) -> None:
    try:
        record = record_from_kaggle(obj)
    except ValueError:
        return
    assert record.arxiv_id and record.title
    assert all(isinstance(name, str) for name in record.authors)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.booleans(), st.integers(0, 30))
def test_arbitrary_file_bytes_raise_only_source_error(
    data: bytes, compress: bool, cut: int
) -> None:
    content = gzip.compress(data) if compress else data
    handle, name = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content[: len(content) - cut])  # sometimes a truncated stream
        try:
            for number, item in iter_jsonl(name, max_line_bytes=200):
                assert number >= 1 and isinstance(item, PaperRecord | SkippedInput)
        except SourceError:
            pass
    finally:
        os.unlink(name)


@pytest.mark.integration
def test_real_kaggle_head_maps_authors_parsed_and_versions() -> None:
    if not SHARED_HEAD.is_file():
        pytest.skip(f"shared Kaggle sample absent ({SHARED_HEAD})")
    records = records_of(SHARED_HEAD)
    assert len(records) == 200
    first = records[0]
    assert (first.arxiv_id, first.version) == ("0704.0001", 2)
    assert first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert first.submitted_at == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert first.updated_at == datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)
    assert records[1].categories == ["math.CO", "cs.CG"]


@pytest.mark.integration
@pytest.mark.slow
def test_shared_metadata_dump_parses_every_record_without_skips() -> None:
    if not SHARED_DUMP.is_file():
        pytest.skip(f"shared metadata dump absent ({SHARED_DUMP})")
    count = 0
    for _, item in iter_jsonl(SHARED_DUMP):
        assert isinstance(item, PaperRecord), item
        count += 1
    assert count == 90_929
