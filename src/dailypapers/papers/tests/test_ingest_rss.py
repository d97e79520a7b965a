"""`dailypapers ingest rss`: a day's listing of some categories, from rss.arxiv.org."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import IngestRun, Paper, PaperCategory

pytestmark = pytest.mark.django_db

RSS_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "rss"
OWN_FIXTURES = Path(__file__).parent / "fixtures"
FEED_DAY = date(2026, 5, 5)  # "Tue, 05 May 2026 00:00:00 -0400" in the mixed cs.DL feed
SUMMARY = re.compile(
    r"rss: (?P<new>[\d,]+) new, (?P<updated>[\d,]+) updated, "
    r"(?P<unchanged>[\d,]+) unchanged, (?P<skipped>[\d,]+) skipped "
    r"in \d+\.\d s \([\d,]+ records/s\)"
)


def run_rss(categories: str) -> dict[str, int]:
    out = StringIO()
    call_command("ingest", "--no-progress", "rss", categories, stdout=out, stderr=StringIO())
    match = SUMMARY.fullmatch(out.getvalue().strip().splitlines()[-1])
    assert match, out.getvalue()
    return {key: int(value.replace(",", "")) for key, value in match.groupdict().items()}


def script_mixed_feed(fake_arxiv) -> None:
    body = (RSS_FIXTURES / "rss_cs.DL_2026-05-05_mixed.xml").read_bytes()
    fake_arxiv.add("/rss/cs.DL", body, content_type="application/rss+xml")


def store_known_paper() -> None:
    """2411.04321 as an earlier import left it: v2, first listed on 2024-11-07."""
    known = PaperRecord(
        arxiv_id="2411.04321",
        version=2,
        title="A Dataset of Library Due Dates",
        abstract="We release an invented dataset of due dates.",
        authors=["Nkechi Obi-Larsen", "Pavel Hruby"],
        categories=["cs.DL"],
        doi="10.5555/duedates.2024",
        submitted_at=datetime(2024, 11, 6, 15, 0, tzinfo=UTC),
        announced_on=date(2024, 11, 7),
    )
    ingest([known], IngestReport(source="test")).finish()


def test_new_and_cross_listed_items_are_stored_on_the_feed_day(fake_arxiv):
    script_mixed_feed(fake_arxiv)

    counts = run_rss("cs.DL")

    assert counts == {"new": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    new = Paper.objects.get(arxiv_id="2605.01234")
    assert (new.announced_on, new.announced_on_estimated, new.version) == (FEED_DAY, False, 1)
    assert new.title == "Shelving Books by the Colour of Their Spines: A Cataloguing Proposal"
    assert new.abstract.startswith("We propose that libraries shelve books by spine colour.")
    assert new.author_names == [
        "Marisol Quennell-Adebayo",
        "Tomasz Wierzbicki",
        "Hiroko",
        "Jean-Luc d'Arcy",
    ]
    assert new.license == "http://creativecommons.org/licenses/by/4.0/"
    cross = Paper.objects.get(arxiv_id="2605.00987")
    assert cross.announced_on == FEED_DAY
    # A cross-list keeps its own primary category, not the feed's.
    assert (cross.primary_category, cross.categories) == ("cs.IR", "cs.IR cs.DL cs.CL")
    assert set(
        PaperCategory.objects.filter(paper=cross).values_list("category", "announced_on")
    ) == {("cs.IR", FEED_DAY), ("cs.DL", FEED_DAY), ("cs.CL", FEED_DAY)}


def test_a_replacement_of_an_unknown_paper_is_stored_without_a_day(fake_arxiv):
    script_mixed_feed(fake_arxiv)

    run_rss("cs.DL")

    for arxiv_id, version in (("2411.04321", 3), ("cs/0112017", 2)):
        paper = Paper.objects.get(arxiv_id=arxiv_id)
        assert (paper.version, paper.announced_on) == (version, None)
    assert Paper.objects.get(arxiv_id="cs/0112017").author_names == ["R. González", "S. Müller"]


def test_a_replacement_of_a_known_paper_updates_its_version_but_keeps_its_day(fake_arxiv):
    store_known_paper()
    script_mixed_feed(fake_arxiv)

    counts = run_rss("cs.DL")

    assert counts == {"new": 3, "updated": 1, "unchanged": 0, "skipped": 0}
    paper = Paper.objects.get(arxiv_id="2411.04321")
    assert paper.version == 3
    assert paper.title == "A Dataset of Library Due Dates, Revisited"
    assert paper.abstract.endswith("a calendar with thirteen months.")
    assert (paper.announced_on, paper.announced_on_estimated) == (date(2024, 11, 7), False)
    # What the feed does not know is kept.
    assert paper.doi == "10.5555/duedates.2024"
    assert paper.submitted_at == datetime(2024, 11, 6, 15, 0, tzinfo=UTC)
    assert set(
        PaperCategory.objects.filter(paper=paper).values_list("announced_on", flat=True)
    ) == {date(2024, 11, 7)}


def test_the_same_feed_twice_changes_nothing(fake_arxiv):
    script_mixed_feed(fake_arxiv)
    run_rss("cs.DL")

    counts = run_rss("cs.DL")

    assert counts == {"new": 0, "updated": 0, "unchanged": 4, "skipped": 0}


def test_several_categories_are_fetched_in_one_request_on_the_plus_joined_path(fake_arxiv):
    body = (OWN_FIXTURES / "rss_cs.AI+cs.LG_2026-05-06.xml").read_bytes()
    fake_arxiv.add("/rss/cs.AI+cs.LG", body, content_type="application/rss+xml")

    counts = run_rss("cs.AI+cs.LG")

    assert counts["new"] == 2
    (request,) = fake_arxiv.requests
    assert (request.method, request.path, request.query) == ("GET", "/rss/cs.AI+cs.LG", {})
    agent = Paper.objects.get(arxiv_id="2605.02001")
    assert (agent.announced_on, agent.primary_category) == (date(2026, 5, 6), "cs.AI")
    assert agent.code_links == ["https://github.com/inventedlab/laundry-agent"]
    assert IngestRun.objects.get().detail == f"{fake_arxiv.url}/rss/cs.AI+cs.LG"


@pytest.mark.parametrize(
    "spec", ["cs.AI+DROP", "cs.AI+cs.LG;DROP TABLE", "../admin", "cs.AI+cs.LG/../../x", "+"]
)
def test_categories_that_are_not_arxiv_categories_are_refused_before_any_request(fake_arxiv, spec):
    with pytest.raises(CommandError, match="arXiv category"):
        run_rss(spec)
    assert fake_arxiv.requests == []
    assert Paper.objects.count() == 0


def test_an_empty_weekend_feed_stores_nothing_and_succeeds(fake_arxiv):
    body = (RSS_FIXTURES / "rss_math.QA_2026-05-09_empty.xml").read_bytes()
    fake_arxiv.add("/rss/math.QA", body, content_type="application/rss+xml")

    counts = run_rss("math.QA")

    assert counts == {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    assert len(fake_arxiv.requests) == 1
    assert Paper.objects.count() == 0
    assert IngestRun.objects.get().error == ""


def test_arxivs_error_feed_for_an_unknown_category_is_a_command_error(fake_arxiv):
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<rss version="2.0"><channel><title>Feed error for query: cs.XY</title>'
        "<link>http://rss.arxiv.org/rss/cs.XY</link><description></description>"
        "</channel></rss>"
    )
    fake_arxiv.add("/rss/cs.XY", body, content_type="application/rss+xml")

    with pytest.raises(CommandError, match="arXiv RSS error: Feed error for query: cs.XY"):
        run_rss("cs.XY")
    assert "Feed error" in IngestRun.objects.get().error


def test_every_rss_request_names_the_contact_in_its_user_agent(fake_arxiv, settings):
    settings.ARXIV_CONTACT = "rss-tests@example.org"
    settings.SITE_URL = "https://papers.example.org"
    script_mixed_feed(fake_arxiv)

    run_rss("cs.DL")

    (request,) = fake_arxiv.requests
    assert re.fullmatch(
        r"dailypapers/\S+ \(\+https://papers\.example\.org; mailto:rss-tests@example\.org\)",
        request.headers["user-agent"],
    )
