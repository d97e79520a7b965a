"""`dailypapers ingest jsonl`: Kaggle-schema JSON lines, plain or gzip, into the paper store."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dailypapers.papers.models import Author, IngestRun, Paper, PaperAuthor, PaperCategory
from dailypapers.testing.factories import kaggle_line

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "kaggle_five_papers.jsonl"  # invented records, one per shape
EVENTS = FIXTURES / "listing_events_sample.tsv"
SAMPLE_IDS = ["2101.00001", "2102.00002", "2503.04567", "2503.09999", "hep-th/9912345"]
SUMMARY = re.compile(
    r"jsonl: (?P<new>[\d,]+) new, (?P<updated>[\d,]+) updated, "
    r"(?P<unchanged>[\d,]+) unchanged, (?P<skipped>[\d,]+) skipped "
    r"in \d+\.\d s \([\d,]+ records/s\)"
)


def run_jsonl(*args: object, progress: bool = False) -> tuple[dict[str, int], str, str]:
    """Run the command; return the counts of its summary line, its stdout and its stderr."""
    out, err = StringIO(), StringIO()
    flags = [] if progress else ["--no-progress"]
    call_command("ingest", *flags, "jsonl", *map(str, args), stdout=out, stderr=err)
    last = out.getvalue().strip().splitlines()[-1]
    match = SUMMARY.fullmatch(last)
    assert match, f"unexpected summary line: {last!r}"
    counts = {key: int(value.replace(",", "")) for key, value in match.groupdict().items()}
    return counts, out.getvalue(), err.getvalue()


def gzipped(source: Path, target: Path) -> Path:
    with open(source, "rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed)
    return target


def stored() -> list[tuple]:
    fields = ("arxiv_id", "version", "title", "abstract", "author_names", "categories", "doi")
    return list(Paper.objects.order_by("arxiv_id").values_list(*fields))


def test_a_plain_file_stores_every_record_with_clean_text_versions_and_code_links(tmp_path):
    data = shutil.copy(SAMPLE, tmp_path / "sample.jsonl")  # no events file beside it
    counts, _, err = run_jsonl(data)

    assert counts == {"new": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    assert err == ""
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == SAMPLE_IDS

    old = Paper.objects.get(arxiv_id="hep-th/9912345")
    assert old.version == 1
    assert old.author_names == ["J. Müller", "K. Ng"]
    assert old.abstract == "We tie strings into bows and show that the bows never come undone."
    assert old.report_no == "INV-99-01"
    assert old.submitted_at == datetime(1999, 12, 15, 10, 0, tzinfo=UTC)
    # No listing says when it was announced: the day is estimated from the submission time.
    assert (old.announced_on, old.announced_on_estimated) == (date(1999, 12, 16), True)

    versioned = Paper.objects.get(arxiv_id="2101.00001")
    assert versioned.version == 3
    assert versioned.submitted_at == datetime(2021, 1, 1, 9, 30, tzinfo=UTC)
    assert versioned.updated_at == datetime(2021, 2, 2, 18, 45, tzinfo=UTC)
    assert versioned.doi == "10.5555/invented.2021.1"
    assert versioned.journal_ref == "Invented J. 1 (2021) 1-3"
    assert versioned.license == "http://creativecommons.org/licenses/by/4.0/"
    assert versioned.primary_category == "cs.LG"
    assert versioned.categories == "cs.LG stat.ML"

    tex = Paper.objects.get(arxiv_id="2102.00002")
    assert tex.title == "Learning α-Divergences with Tiny Gradients"
    assert tex.author_names == ["A. Balázs", "C. Díaz", "E. François"]
    assert "\\" not in tex.abstract and "$" not in tex.abstract
    assert tex.version is None and tex.announced_on is None

    coded = Paper.objects.get(arxiv_id="2503.04567")
    assert coded.code_links == ["https://github.com/inventedlab/sock-drawer"]
    assert coded.comments == "8 pages. Code: https://github.com/inventedlab/sock-drawer"

    # A listing record whose id carried a version is stored under the bare id.
    assert Paper.objects.get(arxiv_id="2503.09999").version == 2

    assert PaperAuthor.objects.count() == 2 + 2 + 3 + 2 + 1
    assert Author.objects.filter(key="a balazs").exists()
    assert sorted(
        PaperCategory.objects.filter(paper__arxiv_id="2503.04567").values_list(
            "category", flat=True
        )
    ) == ["cs.CV", "cs.LG"]
    run = IngestRun.objects.get()
    assert (run.source, run.new, run.skipped, run.error) == ("jsonl", 5, 0, "")
    assert run.detail == str(data)


def test_a_gzip_file_stores_the_same_papers_as_the_plain_file(tmp_path):
    run_jsonl(shutil.copy(SAMPLE, tmp_path / "sample.jsonl"))
    from_plain = stored()
    Paper.objects.all().delete()

    # The name says nothing: gzip is recognised by its magic bytes. The bar is on, too.
    packed = gzipped(SAMPLE, tmp_path / "sample.data")
    counts, _, _ = run_jsonl(packed, progress=True)

    assert counts["new"] == 5
    assert stored() == from_plain


def test_the_summary_line_names_every_count_the_time_and_the_rate(tmp_path):
    _, out, _ = run_jsonl(shutil.copy(SAMPLE, tmp_path / "sample.jsonl"))
    summary = out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"jsonl: 5 new, 0 updated, 0 unchanged, 0 skipped in \d+\.\d s \([\d,]+ records/s\)",
        summary,
    )


def test_importing_the_same_file_again_reports_nothing_new_or_updated(tmp_path):
    data = gzipped(SAMPLE, tmp_path / "sample.jsonl.gz")
    shutil.copy(EVENTS, tmp_path / "events.tsv")
    run_jsonl(data, "--listing-events", tmp_path / "events.tsv")
    before = list(Paper.objects.order_by("arxiv_id").values_list("changed_at", "content_hash"))

    counts, _, _ = run_jsonl(data, "--listing-events", tmp_path / "events.tsv")

    assert counts == {"new": 0, "updated": 0, "unchanged": 5, "skipped": 0}
    assert list(Paper.objects.order_by("arxiv_id").values_list("changed_at", "content_hash")) == (
        before
    )
    assert PaperAuthor.objects.count() == 10


def test_limit_stops_after_that_many_records(tmp_path):
    counts, _, _ = run_jsonl(shutil.copy(SAMPLE, tmp_path / "sample.jsonl"), "--limit", "2")

    assert counts == {"new": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == [
        "2101.00001",
        "hep-th/9912345",
    ]


def test_malformed_lines_are_skipped_with_their_line_numbers_and_the_rest_is_stored(
    tmp_path, settings
):
    settings.INGEST_MAX_LINE_BYTES = 2_000
    lines = [
        kaggle_line("2601.00001"),  # 1 good
        '{"id": "2601.00002", "title": "cut off',  # 2 bad JSON
        json.dumps({"title": "No Id At All", "authors": "Ann Example"}),  # 3 no id
        '["a", "list", "not", "an", "object"]',  # 4 not an object
        kaggle_line("2601.00005", abstract="long " * 1_000),  # 5 over 2,000 bytes
        kaggle_line("2601.00006"),  # 6 good, right after the long line
        "",  # blank lines are not records and not errors
        kaggle_line("2601.00008", categories="cs.DL DROP;TABLE"),  # 8 bad category
        kaggle_line("2601.00009"),  # 9 good
    ]
    data = tmp_path / "mixed.jsonl"
    data.write_text("\n".join(lines) + "\n")

    counts, _, err = run_jsonl(data)

    assert counts == {"new": 3, "updated": 0, "unchanged": 0, "skipped": 5}
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == [
        "2601.00001",
        "2601.00006",
        "2601.00009",
    ]
    skipped = [line.strip() for line in err.splitlines() if line.strip().startswith("skipped")]
    assert [re.match(r"skipped line (\d+):", line).group(1) for line in skipped] == [
        "2",
        "3",
        "4",
        "5",
        "8",
    ]
    assert "invalid JSON" in skipped[0]
    assert "id" in skipped[1]
    assert "expected a JSON object, got list" in skipped[2]
    assert "longer than 2000 bytes" in skipped[3]
    assert "not an arXiv category" in skipped[4]
    assert IngestRun.objects.get().skipped == 5


def test_a_missing_file_is_a_command_error_and_stores_nothing(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.jsonl\.gz: no such file"):
        run_jsonl(tmp_path / "nowhere.jsonl.gz")
    assert Paper.objects.count() == 0


def test_a_binary_file_that_is_not_gzip_is_a_command_error_and_stores_nothing(tmp_path):
    garbage = tmp_path / "snapshot.jsonl.gz"
    garbage.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 40)

    with pytest.raises(CommandError, match="not a JSON-lines or gzip file"):
        run_jsonl(garbage)

    assert Paper.objects.count() == 0
    assert Author.objects.count() == 0


def test_a_truncated_gzip_file_is_a_command_error_and_stores_nothing(tmp_path):
    whole = gzipped(SAMPLE, tmp_path / "whole.jsonl.gz").read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) - 30])  # lose the trailer and some data

    with pytest.raises(CommandError, match="unreadable after line"):
        run_jsonl(cut)

    assert Paper.objects.count() == 0
    assert IngestRun.objects.get().error.startswith(str(cut))


def test_listing_events_give_the_real_announcement_day(tmp_path):
    data = shutil.copy(SAMPLE, tmp_path / "sample.jsonl")
    run_jsonl(data, "--listing-events", EVENTS)

    days = dict(Paper.objects.values_list("arxiv_id", "announced_on"))
    estimated = dict(Paper.objects.values_list("arxiv_id", "announced_on_estimated"))
    # The first of two listings wins; a versioned id in the events file still matches.
    assert days["2503.04567"] == date(2025, 3, 7)
    assert days["2101.00001"] == date(2021, 1, 5)
    assert days["2503.09999"] == date(2025, 3, 18)
    assert not estimated["2503.04567"] and not estimated["2101.00001"]
    # Papers the file does not list keep the estimate (or no day).
    assert (days["hep-th/9912345"], estimated["hep-th/9912345"]) == (date(1999, 12, 16), True)
    assert days["2102.00002"] is None
    # Ids only in the events file are not papers.
    assert not Paper.objects.filter(arxiv_id="2999.99999").exists()
    assert set(
        PaperCategory.objects.filter(paper__arxiv_id="2503.04567").values_list(
            "announced_on", flat=True
        )
    ) == {date(2025, 3, 7)}


def test_a_listing_events_file_beside_the_data_file_is_used_automatically(tmp_path):
    data = shutil.copy(SAMPLE, tmp_path / "arxiv-metadata.jsonl")
    events = gzipped(EVENTS, tmp_path / "arxiv-listing-events.tsv.gz")

    _, _, err = run_jsonl(data)

    assert Paper.objects.get(arxiv_id="2503.04567").announced_on == date(2025, 3, 7)
    assert f"announcement days from {events}\n" in err


def test_listing_events_improve_stored_estimates_on_a_later_import(tmp_path):
    data = shutil.copy(SAMPLE, tmp_path / "sample.jsonl")
    run_jsonl(data)
    assert Paper.objects.get(arxiv_id="2101.00001").announced_on_estimated

    counts, _, _ = run_jsonl(data, "--listing-events", EVENTS)

    # 2101.00001 had an estimate, 2503.04567 and 2503.09999 had no day at all.
    assert counts == {"new": 0, "updated": 3, "unchanged": 2, "skipped": 0}
    paper = Paper.objects.get(arxiv_id="2101.00001")
    assert (paper.announced_on, paper.announced_on_estimated) == (date(2021, 1, 5), False)


def test_a_file_that_is_not_a_listing_events_file_is_a_command_error(tmp_path):
    wrong = tmp_path / "events.tsv"
    wrong.write_text("day\tid\n2025-03-07\t2503.04567\n")

    with pytest.raises(CommandError, match="not a listing-events file"):
        run_jsonl(shutil.copy(SAMPLE, tmp_path / "sample.jsonl"), "--listing-events", wrong)

    assert Paper.objects.count() == 0


@pytest.mark.parametrize("limit", ["-1", "0", "ten"])
def test_a_limit_that_is_not_a_positive_number_is_a_command_error(tmp_path, limit):
    with pytest.raises(CommandError, match="--limit"):
        run_jsonl(shutil.copy(SAMPLE, tmp_path / "sample.jsonl"), "--limit", limit)
    assert Paper.objects.count() == 0


def test_only_the_first_ten_reasons_are_listed_and_the_rest_are_counted(tmp_path):
    data = tmp_path / "broken.jsonl"
    data.write_text("".join(f"not json {n}\n" for n in range(12)) + kaggle_line("2601.00001"))

    counts, _, err = run_jsonl(data)

    assert (counts["new"], counts["skipped"]) == (1, 12)
    listed = [line for line in err.splitlines() if line.strip().startswith("skipped line")]
    assert [line.split(":")[0].split()[-1] for line in listed] == [str(n) for n in range(1, 11)]
    assert err.splitlines()[-1].strip() == "… and 2 more skipped"


def wal_autocheckpoint() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return int(cursor.fetchone()[0])


def test_an_import_leaves_the_connection_settings_as_it_found_them(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    before = wal_autocheckpoint()
    run_jsonl(SAMPLE)
    assert wal_autocheckpoint() == before
    data = gzipped(SAMPLE, tmp_path / "sample.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError):  # a file cut short fails the import half-way
        run_jsonl(tmp_path / "cut.jsonl.gz")
    assert wal_autocheckpoint() == before
