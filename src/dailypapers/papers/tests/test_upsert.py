"""The normalise → merge → upsert pipeline, fed with records built in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dailypapers.lib.records import PaperRecord, SkippedInput
from dailypapers.papers.ingest import upsert
from dailypapers.papers.ingest.normalize import normalize
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Author, IngestRun, Paper, PaperAuthor, PaperCategory

pytestmark = pytest.mark.django_db


def record(arxiv_id: str = "2501.00001", **fields) -> PaperRecord:
    defaults = {
        "title": "A study of\n  wrapped titles",
        "abstract": "  We study things.\nThey wrap.",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "categories": ["cs.LG", "stat.ML"],
        "announced_on": date(2025, 1, 6),
    }
    defaults.update(fields)
    return PaperRecord(arxiv_id=arxiv_id, **defaults)


def run(*items) -> IngestReport:
    return ingest(list(items), IngestReport(source="test")).finish()


def test_new_record_is_stored_clean_with_authors_in_order_and_categories():
    report = run(record(version=2))
    assert (report.new, report.updated, report.unchanged, report.skipped) == (1, 0, 0, 0)
    paper = Paper.objects.get(arxiv_id="2501.00001")
    assert paper.title == "A study of wrapped titles"
    assert paper.abstract == "We study things. They wrap."
    assert paper.version == 2
    assert paper.author_names == ["Ada Lovelace", "Alan Turing"]
    assert [a.author.name for a in paper.authorships.select_related("author")] == [
        "Ada Lovelace",
        "Alan Turing",
    ]
    assert paper.primary_category == "cs.LG"
    assert sorted(PaperCategory.objects.values_list("category", flat=True)) == ["cs.LG", "stat.ML"]
    assert IngestRun.objects.get().new == 1


def test_importing_the_same_records_twice_reports_nothing_new_or_updated():
    run(record(), record("2501.00002"))
    changed_at = list(Paper.objects.order_by("arxiv_id").values_list("changed_at", flat=True))
    second = run(record(), record("2501.00002"))
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert list(Paper.objects.order_by("arxiv_id").values_list("changed_at", flat=True)) == (
        changed_at
    )
    assert PaperAuthor.objects.count() == 4


def test_newer_version_replaces_older_one():
    run(record(version=1, title="Old title"))
    report = run(record(version=2, title="New title", authors=["Grace Hopper"]))
    assert report.updated == 1
    paper = Paper.objects.get()
    assert (paper.version, paper.title, paper.author_names) == (2, "New title", ["Grace Hopper"])
    assert list(paper.authors.values_list("name", flat=True)) == ["Grace Hopper"]


def test_older_version_never_overwrites_newer_one():
    run(record(version=3, title="Third version"))
    report = run(record(version=2, title="Second version"))
    assert (report.updated, report.unchanged) == (0, 1)
    paper = Paper.objects.get()
    assert (paper.version, paper.title) == (3, "Third version")


def test_record_without_version_only_fills_fields_that_are_empty():
    run(record(version=2, title="Kept title", doi=""))
    run(record(version=None, title="Other title", doi="10.1000/xyz"))
    paper = Paper.objects.get()
    assert (paper.title, paper.doi, paper.version) == ("Kept title", "10.1000/xyz", 2)


def test_source_without_a_field_does_not_erase_it():
    run(record(version=1, journal_ref="J. Imag. 1 (2025)"))
    run(record(version=2, journal_ref=""))
    assert Paper.objects.get().journal_ref == "J. Imag. 1 (2025)"


def test_replacement_announcement_does_not_move_the_announcement_day():
    run(record(version=1, announced_on=date(2025, 1, 6)))
    run(record(version=2, announced_on=date(2025, 2, 3), announce_type="replace"))
    paper = Paper.objects.get()
    assert (paper.version, paper.announced_on) == (2, date(2025, 1, 6))


def test_replacement_of_an_unknown_paper_gives_it_no_day():
    run(record(announced_on=date(2025, 2, 3), announce_type="replace"))
    assert Paper.objects.get().announced_on is None


def test_listing_day_replaces_a_day_estimated_from_the_submission_time():
    submitted = datetime(2025, 1, 2, 15, 0, tzinfo=UTC)  # Thursday, before the cutoff
    run(record(announced_on=None, submitted_at=submitted))
    paper = Paper.objects.get()
    assert (paper.announced_on, paper.announced_on_estimated) == (date(2025, 1, 3), True)
    run(record(announced_on=date(2025, 1, 6)))
    paper.refresh_from_db()
    assert (paper.announced_on, paper.announced_on_estimated) == (date(2025, 1, 6), False)
    assert PaperCategory.objects.filter(announced_on=date(2025, 1, 6)).count() == 2


def test_an_author_spelled_with_a_tex_accent_is_the_same_author():
    run(record("2501.00001", authors=["C. Bal\\'azs"]), record("2501.00002", authors=["C. Balázs"]))
    author = Author.objects.get()
    assert author.name == "C. Balázs"
    assert author.papers.count() == 2


def test_author_string_is_split_when_a_source_gives_one_string():
    run(record(authors=[], authors_raw="Ada Lovelace, Alan Turing and Grace Hopper"))
    assert Paper.objects.get().author_names == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_invalid_records_are_skipped_with_reasons_and_the_rest_are_stored(settings):
    settings.INGEST_MAX_FIELD_CHARS = 1000
    report = run(
        ("line 1", record("2501.00001")),
        ("line 2", record("not-an-id")),
        ("line 3", record("2501.00003", title="   ")),
        ("line 4", record("2501.00004", abstract="x" * 5000)),
        ("line 5", record("2501.00005", categories=["cs.LG", "DROP TABLE"])),
        SkippedInput(where="line 6", reason="invalid JSON"),
        ("line 7", record("2501.00007")),
    )
    assert (report.new, report.skipped) == (2, 5)
    assert report.reasons[0] == "line 2: not an arXiv id: 'not-an-id'"
    assert report.reasons[1] == "line 3: the title is empty"
    assert report.reasons[2] == "line 4: field abstract is 5,000 characters (limit 1,000)"
    assert report.reasons[3].startswith("line 5: not an arXiv category")
    assert report.reasons[4] == "line 6: invalid JSON"
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == ["2501.00001", "2501.00007"]


def test_a_failing_batch_writes_no_part_of_any_paper(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(upsert, "write_links", broken)
    with pytest.raises(RuntimeError):
        run(record("2501.00001"), record("2501.00002"))
    assert Paper.objects.count() == 0
    assert Author.objects.count() == 0


def test_two_records_of_one_paper_in_a_batch_become_one_paper_with_the_newest_version():
    report = run(record(version=1, title="One"), record(version=2, title="Two"))
    assert Paper.objects.get().title == "Two"
    assert report.new == 1


def test_code_links_are_extracted_from_abstract_and_comments():
    run(
        record(
            abstract="Code at https://github.com/Owner/Repo/tree/main.",
            comments="Models: huggingface.co/owner/model",
        )
    )
    assert Paper.objects.get().code_links == [
        "https://github.com/Owner/Repo",
        "https://huggingface.co/owner/model",
    ]


def test_old_style_ids_are_stored_without_their_version():
    run(record("hep-th/9901001v2"))
    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.version) == ("hep-th/9901001", 2)


def test_authors_of_later_batches_link_to_the_authors_stored_by_earlier_ones(settings):
    settings.INGEST_BATCH_SIZE = 1
    run(
        record("2501.00001", authors=["Ada Lovelace"]),
        record("2501.00002", authors=["Ada Lovelace", "Alan Turing"]),
    )
    assert Author.objects.count() == 2
    ada = Author.objects.get(key="ada lovelace")
    assert PaperAuthor.objects.filter(author=ada).count() == 2


@pytest.mark.django_db(transaction=True)  # the foreign key is checked at a real commit
def test_an_author_deleted_between_two_batches_is_created_again():
    authors = upsert.KnownAuthors()
    clean = [normalize(record("2501.00001", authors=["Ada Lovelace"]), max_field_chars=1000)]
    upsert.upsert_batch(clean, authors=authors)
    assert "ada lovelace" in authors.ids
    Author.objects.filter(key="ada lovelace").delete()  # its links go with it

    later = [normalize(record("2501.00002", authors=["Ada Lovelace"]), max_field_chars=1000)]
    result = upsert.upsert_batch(later, authors=authors)
    assert result.new == 1
    ada = Author.objects.get(key="ada lovelace")
    assert list(PaperAuthor.objects.values_list("author_id", flat=True)) == [ada.pk]
