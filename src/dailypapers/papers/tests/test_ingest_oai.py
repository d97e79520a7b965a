"""`dailypapers ingest oai`: OAI-PMH ListRecords harvests, incremental and resumable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dailypapers.papers.models import HarvestState, IngestRun, Paper, PaperAuthor

pytestmark = pytest.mark.django_db

OAI_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "oai-pmh"
PATH = "/oai"
PAGE2_TOKEN = "7730941|1001"
WINDOW = ("--set", "cs", "--from", "2026-05-01", "--until", "2026-05-02")
PAGE1_IDS = ["2604.11111", "math/0309136"]  # page 1 also holds a deleted record
ALL_IDS = ["2604.11111", "2605.00042", "math/0309136"]
SUMMARY = re.compile(
    r"oai: (?P<new>[\d,]+) new, (?P<updated>[\d,]+) updated, "
    r"(?P<unchanged>[\d,]+) unchanged, (?P<skipped>[\d,]+) skipped "
    r"in \d+\.\d s \([\d,]+ records/s\)"
)


def fixture(name: str) -> bytes:
    return (OAI_FIXTURES / name).read_bytes()


def script_first_page(fake_arxiv) -> None:
    fake_arxiv.add(
        PATH,
        fixture("listrecords_arxiv_page1.xml"),
        query={"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs"},
    )


def script_second_page(fake_arxiv, **options) -> None:
    body = options.pop("body", fixture("listrecords_arxiv_page2_last.xml"))
    fake_arxiv.add(PATH, body, query={"resumptionToken": PAGE2_TOKEN}, **options)


def run_oai(*args: str) -> tuple[dict[str, int], str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", "--no-progress", "oai", *args, stdout=out, stderr=err)
    match = SUMMARY.fullmatch(out.getvalue().strip().splitlines()[-1])
    assert match, out.getvalue()
    return {key: int(value.replace(",", "")) for key, value in match.groupdict().items()}, (
        err.getvalue()
    )


def stored_ids() -> list[str]:
    return sorted(Paper.objects.values_list("arxiv_id", flat=True))


def test_a_two_page_harvest_stores_every_record_and_completes_the_window(fake_arxiv):
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)

    counts, _ = run_oai(*WINDOW)

    assert counts == {"new": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert stored_ids() == ALL_IDS  # the deleted record 2604.22222 is not stored
    first, second = fake_arxiv.requests_to(PATH)
    assert first.query == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs",
        "from": "2026-05-01",
        "until": "2026-05-02",
    }
    # With a token, OAI-PMH allows no other argument besides the verb.
    assert second.query == {"verb": "ListRecords", "resumptionToken": PAGE2_TOKEN}

    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert state.resumption_token == ""
    assert state.harvested_until == date(2026, 5, 2)
    assert state.pages_done == 2
    assert state.last_success_at is not None

    paper = Paper.objects.get(arxiv_id="2604.11111")
    assert paper.title == (
        "Caching Results That Were Never Computed: A Study of Speculative Memoisation"
    )
    assert paper.author_names == [
        "Adaeze M. Okafor Jr",
        "Lotte van der Berg",
        "The Phantom Collaboration",
    ]
    assert paper.categories == "cs.PL cs.SE"
    assert (paper.doi, paper.report_no) == ("10.5555/memo.2026.3", "IMG-TR-2026-07")
    # The arXiv format carries dates only, and no version.
    assert paper.submitted_at == datetime(2026, 4, 13, tzinfo=UTC)
    assert paper.version is None
    assert Paper.objects.get(arxiv_id="math/0309136").author_names == ["G. Székely"]


def test_a_harvest_killed_mid_way_resumes_from_its_checkpoint_without_duplicates(fake_arxiv):
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv, body="overloaded", status=500, content_type="text/plain")

    with pytest.raises(CommandError, match="gave up after 3 attempts"):
        run_oai(*WINDOW)

    # Page 1 is stored and the checkpoint names page 2.
    assert stored_ids() == PAGE1_IDS
    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert (state.resumption_token, state.pages_done) == (PAGE2_TOKEN, 1)
    assert state.harvested_until is None
    assert "gave up" in IngestRun.objects.get().error
    page1_requests = [r for r in fake_arxiv.requests if "resumptionToken" not in r.query]
    assert len(page1_requests) == 1
    assert len(fake_arxiv.requests) == 1 + 3  # page 1, then page 2 tried three times

    fake_arxiv.reset()
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)
    counts, _ = run_oai(*WINDOW)

    assert counts == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    (request,) = fake_arxiv.requests  # no new request for page 1
    assert request.query == {"verb": "ListRecords", "resumptionToken": PAGE2_TOKEN}
    assert stored_ids() == ALL_IDS
    assert PaperAuthor.objects.filter(paper__arxiv_id="2604.11111").count() == 3
    assert PaperAuthor.objects.count() == 3 + 1 + 1
    state.refresh_from_db()
    assert (state.resumption_token, state.harvested_until) == ("", date(2026, 5, 2))


def test_a_resumed_harvest_needs_no_window_arguments(fake_arxiv):
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)
    run_oai(*WINDOW, "--max-pages", "1")
    assert stored_ids() == PAGE1_IDS

    run_oai("--set", "cs")

    assert stored_ids() == ALL_IDS
    assert len(fake_arxiv.requests) == 2
    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert (state.window_from, state.harvested_until) == (date(2026, 5, 1), date(2026, 5, 2))


def test_max_pages_stops_early_and_the_next_run_goes_on_from_there(fake_arxiv):
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)

    first, _ = run_oai(*WINDOW, "--max-pages", "1")

    assert first["new"] == 2
    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert (state.resumption_token, state.pages_done) == (PAGE2_TOKEN, 1)
    assert state.harvested_until is None

    second, _ = run_oai(*WINDOW)

    assert second["new"] == 1
    assert stored_ids() == ALL_IDS
    assert [r.query.get("resumptionToken") for r in fake_arxiv.requests] == [None, PAGE2_TOKEN]
    state.refresh_from_db()
    assert (state.resumption_token, state.pages_done) == ("", 2)
    assert state.harvested_until == date(2026, 5, 2)


def test_a_503_with_retry_after_is_honoured_before_the_harvest_goes_on(fake_arxiv):
    fake_arxiv.add(PATH, "", status=503, headers={"Retry-After": "1"}, content_type="text/html")
    fake_arxiv.add(PATH, fixture("listrecords_arxiv_page2_last.xml"))

    counts, _ = run_oai("--from", "2026-05-01", "--until", "2026-05-02")

    assert counts["new"] == 1
    refused, answered = fake_arxiv.requests
    assert answered.arrived - refused.arrived >= 1.0
    assert refused.query == answered.query
    assert HarvestState.objects.get(key="oai:*:arXiv").harvested_until == date(2026, 5, 2)


def test_an_expired_resumption_token_fails_clearly_and_the_next_run_starts_the_window_again(
    fake_arxiv,
):
    HarvestState.objects.create(
        key="oai:cs:arXiv",
        window_from=date(2026, 5, 1),
        window_until=date(2026, 5, 2),
        resumption_token="7730941|9999",
        pages_done=3,
    )
    fake_arxiv.add(PATH, fixture("error_badresumptiontoken.xml"))

    with pytest.raises(CommandError, match="badResumptionToken") as failure:
        run_oai("--set", "cs")

    assert "invalid or expired" in str(failure.value)
    assert "the next run harvests again from 2026-05-01" in str(failure.value)
    assert fake_arxiv.requests[0].query["resumptionToken"] == "7730941|9999"
    assert Paper.objects.count() == 0
    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert (state.resumption_token, state.pages_done) == ("", 0)
    assert "badResumptionToken" in IngestRun.objects.get().error

    # A dead token must not wedge every later run: the next one harvests the window afresh.
    fake_arxiv.reset()
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)
    run_oai("--set", "cs")

    first = fake_arxiv.requests[0]
    assert "resumptionToken" not in first.query
    assert first.query["from"] == "2026-05-01"
    assert first.query["until"] == datetime.now(UTC).date().isoformat()
    assert stored_ids() == ALL_IDS


def test_an_oai_error_answer_is_a_command_error_with_its_code_and_message(fake_arxiv):
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b"<responseDate>2026-05-04T09:31:00Z</responseDate>"
        b'<request verb="ListRecords">http://export.arxiv.org/oai2</request>'
        b'<error code="badArgument">Invented complaint about the set.</error></OAI-PMH>'
    )
    fake_arxiv.add(PATH, body)

    with pytest.raises(CommandError, match="OAI-PMH error badArgument: Invented complaint"):
        run_oai("--set", "nonsense", "--from", "2026-05-01")
    assert HarvestState.objects.get(key="oai:nonsense:arXiv").harvested_until is None


def test_no_records_match_completes_the_window_with_nothing_new(fake_arxiv):
    fake_arxiv.add(PATH, fixture("error_norecordsmatch.xml"))

    counts, _ = run_oai("--set", "q-fin", "--from", "2026-05-02", "--until", "2026-05-03")

    assert counts == {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    state = HarvestState.objects.get(key="oai:q-fin:arXiv")
    assert (state.harvested_until, state.resumption_token) == (date(2026, 5, 3), "")


def test_the_arxivraw_format_stores_versions_and_their_times(fake_arxiv):
    fake_arxiv.add(PATH, fixture("listrecords_arxivraw.xml"), query={"metadataPrefix": "arXivRaw"})

    counts, err = run_oai(
        "--set", "physics:hep-th", "--from", "2026-05-01", "--format", "arXivRaw",
        "--max-pages", "1",
    )  # fmt: skip

    assert counts == {"new": 2, "updated": 0, "unchanged": 0, "skipped": 1}
    assert fake_arxiv.requests[0].query["metadataPrefix"] == "arXivRaw"
    assert "oai:arXiv.org:2605.00077" in err and "unreadable version date" in err
    yarn = Paper.objects.get(arxiv_id="0704.9999")
    assert yarn.version == 3
    assert yarn.submitted_at == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert yarn.updated_at == datetime(2026, 4, 30, 8, 0, tzinfo=UTC)
    assert yarn.author_names == ["A. Balázs", "E. L. Knitwell", "the Yarn Collaboration"]
    assert yarn.categories == "hep-th math-ph math.MP"
    old = Paper.objects.get(arxiv_id="hep-th/9901001")
    assert (old.version, old.author_names) == (1, ["P. Oldstyle"])
    state = HarvestState.objects.get(key="oai:physics:hep-th:arXivRaw")
    assert state.resumption_token == "7731002|1001"


def test_the_next_harvest_without_from_starts_where_the_last_one_ended(fake_arxiv):
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)
    run_oai(*WINDOW)

    fake_arxiv.reset()
    fake_arxiv.add(PATH, fixture("error_norecordsmatch.xml"))
    run_oai("--set", "cs")

    (request,) = fake_arxiv.requests
    today = datetime.now(UTC).date()
    assert request.query["from"] == "2026-05-02"
    assert request.query["until"] == today.isoformat()
    state = HarvestState.objects.get(key="oai:cs:arXiv")
    assert state.harvested_until == today


def test_from_after_until_is_a_command_error_before_any_request(fake_arxiv):
    with pytest.raises(CommandError, match="is after --until"):
        run_oai("--from", "2026-05-03", "--until", "2026-05-01")
    assert fake_arxiv.requests == []


def test_an_unreadable_date_is_a_command_error(fake_arxiv):
    with pytest.raises(CommandError, match="not a date"):
        run_oai("--from", "May 1st")
    assert fake_arxiv.requests == []


def test_every_oai_request_names_the_contact_in_its_user_agent(fake_arxiv, settings):
    settings.ARXIV_CONTACT = "harvest-tests@example.org"
    script_first_page(fake_arxiv)
    script_second_page(fake_arxiv)

    run_oai(*WINDOW)

    assert len(fake_arxiv.requests) == 2
    for request in fake_arxiv.requests:
        assert request.headers["user-agent"].startswith("dailypapers/")
        assert "mailto:harvest-tests@example.org" in request.headers["user-agent"]


def test_max_pages_below_one_is_a_command_error_before_any_request(fake_arxiv):
    with pytest.raises(CommandError, match="must be 1 or more"):
        run_oai(*WINDOW, "--max-pages", "0")
    assert fake_arxiv.requests == []
    assert not HarvestState.objects.exists()
