"""The real huggingface_hub client, pointed at a live test server, reads our feed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from huggingface_hub.errors import HfHubHTTPError

from dailypapers.feed.models import Curation
from dailypapers.testing.factories import (
    DETAILED_DAY,
    make_curation,
    make_member,
    make_submission,
    set_counters,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_list_daily_papers_by_date_returns_our_stored_papers_field_by_field(hub):
    paper = store_detailed_paper(
        "2501.00001",
        title="Sparse attention",
        abstract="We sparsify. Code: https://github.com/ada/sparse",
        authors=["Ada Lovelace", "Grace Hopper"],
    )
    set_counters(paper, upvote_count=7, comment_count=2)
    ada = make_member()
    submission = make_submission(paper, ada)

    [info] = hub.list_daily_papers(date="2025-01-08")

    assert info.id == "2501.00001"
    assert info.title == "Sparse attention"
    assert info.summary == paper.abstract
    assert [author.name for author in info.authors] == ["Ada Lovelace", "Grace Hopper"]
    assert info.published_at == paper.submitted_at
    assert info.submitted_at == submission.submitted_at
    assert info.upvotes == 7 and info.comments == 2
    assert info.submitted_by.username == ada.handle == "ada" and info.submitted_by.fullname == "Ada"
    assert info.discussion_id == str(paper.pk)


def test_a_paper_nobody_submitted_joined_the_feed_at_its_announcement(hub):
    store_detailed_paper("2501.00001")
    [info] = hub.list_daily_papers(date="2025-01-08")
    assert info.submitted_at == datetime(2025, 1, 8, tzinfo=UTC)
    assert info.submitted_by is None


def test_list_daily_papers_by_week_and_month_covers_exactly_that_period(hub):
    store_detailed_paper("2501.00001", day=date(2025, 1, 5))  # Sunday of W01
    store_detailed_paper("2501.00002", day=date(2025, 1, 6))  # Monday of W02
    store_detailed_paper("2501.00003", day=date(2025, 1, 12))  # Sunday of W02
    store_detailed_paper("2412.00004", day=date(2024, 12, 31))
    week = {info.id for info in hub.list_daily_papers(week="2025-W02")}
    month = {info.id for info in hub.list_daily_papers(month="2025-01")}
    assert week == {"2501.00002", "2501.00003"}
    assert month == {"2501.00001", "2501.00002", "2501.00003"}


def test_sorting_by_published_at_is_newest_first_and_trending_by_score(hub):
    set_counters(store_detailed_paper("2501.00001", day=date(2025, 1, 6)), trending_score=3.0)
    set_counters(store_detailed_paper("2501.00002", day=date(2025, 1, 7)), trending_score=1.0)
    set_counters(store_detailed_paper("2501.00003", day=date(2025, 1, 8)), trending_score=2.0)
    newest = [info.id for info in hub.list_daily_papers(week="2025-W02", sort="publishedAt")]
    rising = [info.id for info in hub.list_daily_papers(week="2025-W02", sort="trending")]
    assert newest == ["2501.00003", "2501.00002", "2501.00001"]
    assert rising == ["2501.00001", "2501.00003", "2501.00002"]


def test_pages_and_limits_split_the_list_without_overlap(hub):
    for number in range(1, 6):
        store_detailed_paper(f"2501.0000{number}")
    pages = [
        [info.id for info in hub.list_daily_papers(date="2025-01-08", p=page, limit=2)]
        for page in range(3)
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert len({paper for page in pages for paper in page}) == 5


def test_the_submitter_filter_keeps_that_members_submissions(hub):
    ada, grace = make_member(), make_member("grace@example.org", "Grace")
    make_submission(store_detailed_paper("2501.00001"), ada)
    make_submission(store_detailed_paper("2501.00002"), grace)
    found = [info.id for info in hub.list_daily_papers(date="2025-01-08", submitter=str(ada.pk))]
    assert found == ["2501.00001"]


def test_without_a_date_the_list_runs_back_through_the_days_newest_first(hub):
    store_detailed_paper("2501.00001", day=date(2025, 1, 7))
    store_detailed_paper("2501.00002", day=DETAILED_DAY)
    assert [info.id for info in hub.list_daily_papers()] == ["2501.00002", "2501.00001"]


def test_hidden_papers_stay_off_the_hub_list_as_on_the_site(hub):
    store_detailed_paper("2501.00001")
    make_curation(store_detailed_paper("2501.00002"), Curation.HIDDEN)
    assert [info.id for info in hub.list_daily_papers(date="2025-01-08")] == ["2501.00001"]


def test_paper_info_returns_the_paper_with_its_daily_facts(hub):
    stored = store_detailed_paper(
        "2501.00001", title="Sparse attention", abstract="Code: github.com/ada/sparse"
    )
    paper = set_counters(stored, upvote_count=4)
    submission = make_submission(paper, make_member())
    info = hub.paper_info("2501.00001v2")
    assert (info.id, info.title, info.upvotes) == ("2501.00001", "Sparse attention", 4)
    assert info.summary == paper.abstract
    assert [author.name for author in info.authors] == ["Ada Lovelace", "Alan Turing"]
    assert info.published_at == paper.submitted_at
    assert info.submitted_at == submission.submitted_at
    assert info.submitted_by.fullname == "Ada"
    assert info.github_repo == "https://github.com/ada/sparse"


def test_paper_info_finds_old_style_ids_with_their_slash(hub):
    store_detailed_paper("hep-th/9901001", categories=["hep-th"])
    assert hub.paper_info("hep-th/9901001").id == "hep-th/9901001"


def test_paper_info_of_an_unknown_paper_raises_the_clients_404(hub):
    with pytest.raises(HfHubHTTPError) as raised:
        hub.paper_info("2501.99999")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()["error"]["code"] == "paper_not_found"
    assert "No paper 2501.99999 is stored here." in str(raised.value)


def test_list_papers_finds_papers_by_title_or_abstract(hub):
    store_detailed_paper("2501.00001", title="Sparse attention for all")
    store_detailed_paper("2501.00002", abstract="We study attention sinks.")
    store_detailed_paper("2501.00003", title="Graph networks")
    found = {info.id for info in hub.list_papers(query="attention")}
    assert found == {"2501.00001", "2501.00002"}
    [info] = hub.list_papers(query="graph")
    assert info.title == "Graph networks"


def test_a_bad_period_is_a_400_the_client_reports(hub):
    with pytest.raises(HfHubHTTPError) as raised:
        list(hub.list_daily_papers(week="2025-13"))
    assert raised.value.response.status_code == 400
    assert raised.value.response.json()["error"]["code"] == "invalid_parameter"


def test_the_json_uses_the_hubs_keys_and_time_format(client):
    make_submission(store_detailed_paper("2501.00001"), make_member())
    [item] = client.get("/api/daily_papers?date=2025-01-08").json()
    assert {"paper", "publishedAt", "title", "numComments", "submittedBy"} <= set(item)
    assert {"id", "authors", "publishedAt", "submittedOnDailyAt", "submittedOnDailyBy",
            "title", "summary", "upvotes", "discussionId"} <= set(item["paper"])  # fmt: skip
    assert item["publishedAt"] == "2025-01-08T09:15:30.123456Z"
    assert item["paper"]["publishedAt"] == "2025-01-03T17:30:15.250000Z"
    assert item["paper"]["authors"][0] == {"name": "Ada Lovelace", "hidden": False}
