"""`dailypapers ingest api`: search queries and id lists through the arXiv API, paged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError, call_command

from dailypapers.papers.ingest.api import import_api
from dailypapers.papers.models import IngestRun, Paper

pytestmark = pytest.mark.django_db

API_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "arxiv-api"
PATH = "/api/query"
SUMMARY = re.compile(
    r"api: (?P<new>[\d,]+) new, (?P<updated>[\d,]+) updated, "
    r"(?P<unchanged>[\d,]+) unchanged, (?P<skipped>[\d,]+) skipped "
    r"in \d+\.\d s \([\d,]+ records/s\)"
)


def fixture(name: str) -> bytes:
    return (API_FIXTURES / name).read_bytes()


def entry(number: int) -> str:
    arxiv_id = f"2504.{number:05d}"
    title = escape(f"Invented Result Number {number}")
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v1</id>
    <title>{title}</title>
    <updated>2025-04-0{1 + number % 8}T10:00:00Z</updated>
    <published>2025-04-0{1 + number % 8}T10:00:00Z</published>
    <summary>We report invented finding {number}.</summary>
    <category term="cs.DS" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="cs.DS"/>
    <author><name>Author {number}</name></author>
  </entry>"""


def feed(numbers: range | list[int], *, total: int, start: int) -> str:
    """An API answer holding the invented entries ``numbers`` of a ``total``-long result."""
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/invented</id>
  <title>arXiv Query</title>
  <updated>2025-04-10T00:00:00Z</updated>
  <opensearch:itemsPerPage>{len(numbers)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>{"".join(entry(n) for n in numbers)}
</feed>"""


def script_pages(fake_arxiv, total: int, page_size: int) -> None:
    for start in range(0, total, page_size):
        numbers = range(start + 1, min(start + page_size, total) + 1)
        fake_arxiv.add(PATH, feed(numbers, total=total, start=start), query={"start": str(start)})


def run_api(*args: str) -> tuple[dict[str, int], str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", "--no-progress", "api", *args, stdout=out, stderr=err)
    match = SUMMARY.fullmatch(out.getvalue().strip().splitlines()[-1])
    assert match, out.getvalue()
    return {key: int(value.replace(",", "")) for key, value in match.groupdict().items()}, (
        err.getvalue()
    )


def paging(fake_arxiv) -> list[tuple[str, str]]:
    return [(r.query["start"], r.query["max_results"]) for r in fake_arxiv.requests_to(PATH)]


def test_a_query_fetches_exactly_the_pages_it_needs_and_stores_every_paper(fake_arxiv):
    script_pages(fake_arxiv, total=5, page_size=2)

    counts, _ = run_api("--query", "cat:cs.DS AND ti:invented", "--page-size", "2")

    assert counts == {"new": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    assert paging(fake_arxiv) == [("0", "2"), ("2", "2"), ("4", "2")]
    assert {r.query["search_query"] for r in fake_arxiv.requests} == {"cat:cs.DS AND ti:invented"}
    assert all("id_list" not in r.query for r in fake_arxiv.requests)
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == [
        f"2504.{n:05d}" for n in range(1, 6)
    ]
    paper = Paper.objects.get(arxiv_id="2504.00003")
    assert (paper.title, paper.version, paper.primary_category) == (
        "Invented Result Number 3",
        1,
        "cs.DS",
    )
    assert paper.author_names == ["Author 3"]
    assert paper.submitted_at == datetime(2025, 4, 4, 10, 0, tzinfo=UTC)
    assert IngestRun.objects.get().detail == "query=cat:cs.DS AND ti:invented"


def test_a_query_whose_total_fits_one_page_is_fetched_once(fake_arxiv):
    script_pages(fake_arxiv, total=3, page_size=10)

    counts, _ = run_api("--query", "ti:invented", "--page-size", "10")

    assert counts["new"] == 3
    assert paging(fake_arxiv) == [("0", "10")]


def test_max_results_stops_early_and_asks_only_for_what_is_left(fake_arxiv):
    script_pages(fake_arxiv, total=5, page_size=2)
    # arXiv answers max_results=1 with one entry, whatever the page size before it.
    fake_arxiv.add(PATH, feed([3], total=5, start=2), query={"start": "2", "max_results": "1"})

    counts, _ = run_api("--query", "ti:invented", "--page-size", "2", "--max-results", "3")

    assert counts["new"] == 3
    assert paging(fake_arxiv) == [("0", "2"), ("2", "1")]
    assert Paper.objects.count() == 3


def test_ids_old_style_and_versioned_are_asked_for_in_one_call(fake_arxiv):
    fake_arxiv.add(PATH, fixture("current_2026_id_list.atom.xml"))

    counts, _ = run_api("--ids", "astro-ph/0512345v1, 2503.01234v2")

    assert counts == {"new": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    (request,) = fake_arxiv.requests_to(PATH)
    assert request.query["id_list"] == "astro-ph/0512345,2503.01234"
    assert (request.query["start"], request.query["max_results"]) == ("0", "2")
    assert "search_query" not in request.query
    old = Paper.objects.get(arxiv_id="astro-ph/0512345")
    assert (old.version, old.primary_category) == (1, "astro-ph")
    assert old.author_names == ["Russell Teapot-Orbit", "M. de la Vega Okonkwo"]
    assert old.abstract.endswith("the upper limit is 3 < N < 5 & falling.")
    new = Paper.objects.get(arxiv_id="2503.01234")
    assert (new.version, new.doi) == (2, "10.5555/laundry.2025.001")
    assert new.categories == "cs.DS cs.DM"
    assert new.title == "Sorting O(n) Socks with a Single Drawer"
    assert new.updated_at == datetime(2025, 3, 9, 10, 11, 12, tzinfo=UTC)


def test_an_id_that_is_not_an_arxiv_id_is_refused_before_any_request(fake_arxiv):
    with pytest.raises(CommandError, match="not an arXiv id"):
        run_api("--ids", "2503.01234,not-an-id")
    assert fake_arxiv.requests == []


def test_the_http_400_error_feed_becomes_a_command_error_with_arxivs_message(fake_arxiv):
    fake_arxiv.add(PATH, fixture("current_2026_error_400.atom.xml"), status=400)

    with pytest.raises(CommandError, match="incorrect id format for not-an-id"):
        run_api("--query", "id:not-an-id")

    assert len(fake_arxiv.requests) == 1  # a 400 is an answer, not a reason to retry
    assert Paper.objects.count() == 0
    assert "incorrect id format" in IngestRun.objects.get().error


def test_the_legacy_error_feed_served_with_200_is_a_command_error_too(fake_arxiv):
    fake_arxiv.add(PATH, fixture("legacy_2016_error_200.atom.xml"))

    with pytest.raises(CommandError, match="arXiv API error"):
        run_api("--query", "ti:whatever")
    assert Paper.objects.count() == 0


def test_a_400_without_an_error_feed_still_explains_the_refusal(fake_arxiv):
    fake_arxiv.add(PATH, "Bad Request", status=400, content_type="text/plain")

    with pytest.raises(CommandError, match="400 Bad Request"):
        run_api("--query", "ti:whatever")


def test_an_empty_result_stores_nothing_and_succeeds(fake_arxiv):
    fake_arxiv.add(PATH, fixture("current_2026_empty.atom.xml"))

    counts, _ = run_api("--query", "ti:nothing-matches-this")

    assert counts == {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    assert len(fake_arxiv.requests) == 1
    assert Paper.objects.count() == 0
    assert IngestRun.objects.get().error == ""


def test_a_503_is_retried_and_the_second_answer_is_stored(fake_arxiv):
    fake_arxiv.add(PATH, "busy", status=503, content_type="text/plain")
    fake_arxiv.add(PATH, feed([1, 2], total=2, start=0))

    counts, _ = run_api("--query", "ti:invented")

    assert counts["new"] == 2
    assert len(fake_arxiv.requests) == 2
    assert fake_arxiv.requests[0].query == fake_arxiv.requests[1].query


def test_an_api_that_stays_down_is_a_command_error_after_the_retries(fake_arxiv):
    fake_arxiv.add(PATH, "down", status=502, content_type="text/plain")

    with pytest.raises(CommandError, match="gave up after 3 attempts"):
        run_api("--query", "ti:invented")
    assert len(fake_arxiv.requests) == 3  # ARXIV_RETRIES = 2 in the fake_arxiv fixture


def test_entries_the_parser_cannot_use_are_counted_as_skipped(fake_arxiv):
    fake_arxiv.add(PATH, fixture("current_2026_malformed_entries.atom.xml"))

    counts, err = run_api("--query", "ti:broken")

    assert counts == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 3}
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["2605.00004"]
    assert re.findall(r"skipped entry (\d) \(", err) == ["1", "2", "3"]
    assert "not an arXiv id" in err and "no title" in err and "unreadable timestamp" in err


def test_every_api_request_names_the_contact_in_its_user_agent(fake_arxiv, settings):
    settings.ARXIV_CONTACT = "ingest-tests@example.org"
    script_pages(fake_arxiv, total=3, page_size=2)

    run_api("--query", "ti:invented", "--page-size", "2")

    agents = {r.headers["user-agent"] for r in fake_arxiv.requests}
    assert len(fake_arxiv.requests) == 2
    assert len(agents) == 1
    assert "mailto:ingest-tests@example.org" in agents.pop()


def test_import_api_takes_a_list_of_ids_without_the_command(fake_arxiv):
    fake_arxiv.add(PATH, fixture("current_2026_id_list.atom.xml"))

    report = import_api(ids=["astro-ph/0512345", "2503.01234"])

    assert (report.new, report.error) == (2, "")
    changed = Paper.objects.filter(pk__in=report.changed_paper_ids)
    assert sorted(changed.values_list("arxiv_id", flat=True)) == ["2503.01234", "astro-ph/0512345"]


@pytest.mark.parametrize("option", ["--max-results", "--page-size"])
def test_a_count_below_one_is_a_command_error_before_any_request(fake_arxiv, option):
    with pytest.raises(CommandError, match="must be 1 or more"):
        run_api("--query", "ti:invented", option, "0")
    assert fake_arxiv.requests == []
