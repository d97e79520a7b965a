"""Where our Hugging Face-compatible API used to fall short of the Hub's (issue 12, item 6),
checked with the real huggingface_hub client: dates always set, read_paper, search limits,
the undated daily list paging back through days, and GET /api/papers with cursors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import paginate

from dailypapers.feed.models import Curation
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.testing.factories import (
    make_curation,
    make_member,
    make_submission,
    store_detailed_paper,
    store_paper,
)

pytestmark = pytest.mark.django_db(transaction=True)

UPDATED = datetime(2025, 1, 5, 8, 0, tzinfo=UTC)


def _undated_papers() -> dict[str, datetime]:
    """Papers short of a version-1 date, and the publishedAt each should get."""
    updated = store_paper("2501.00002", submitted_at=None, updated_at=UPDATED)
    announced = store_paper("2501.00003", submitted_at=None)
    unlisted = store_paper("2501.00004", day=None, submitted_at=None, title="Orphan attention")
    make_submission(unlisted, make_member())  # on a feed day, with no date of its own
    return {
        updated.arxiv_id: UPDATED,
        announced.arxiv_id: datetime(2025, 1, 6, tzinfo=UTC),
        unlisted.arxiv_id: unlisted.first_seen_at,
    }


def test_published_at_is_never_null_and_falls_back_to_the_earliest_date_held(hub):
    store_detailed_paper("2501.00001", title="Attention everywhere")
    expected = _undated_papers()
    daily = list(hub.list_daily_papers())
    assert len(daily) == 4 and all(info.published_at is not None for info in daily)
    for arxiv_id, moment in expected.items():
        assert hub.paper_info(arxiv_id).published_at == moment
    found = list(hub.list_papers(query="attention")) + list(hub.list_papers())
    assert found and all(info.published_at is not None for info in found)


def test_the_raw_json_has_no_null_published_at_anywhere(client):
    _undated_papers()
    for item in client.get("/api/daily_papers").json():
        assert item["publishedAt"] and item["paper"]["publishedAt"]
    for paper in client.get("/api/papers").json():
        assert paper["publishedAt"]


def test_read_paper_returns_the_paper_as_markdown(hub):
    store_detailed_paper(
        "2501.00001",
        title="Sparse attention",
        abstract="We sparsify. Code: https://github.com/ada/sparse",
    )
    text = hub.read_paper("2501.00001")
    assert text.startswith("# Sparse attention\n")
    assert "**Authors:** Ada Lovelace, Alan Turing" in text
    assert "(https://arxiv.org/abs/2501.00001)" in text
    assert "[Code](https://github.com/ada/sparse)" in text
    assert "/papers/2501.00001/)" in text
    assert text.rstrip().endswith("We sparsify. Code: https://github.com/ada/sparse")


def test_read_paper_takes_versioned_and_old_style_ids_and_404s_unknown_ones(hub, client):
    store_detailed_paper("hep-th/9901001", title="Strings", categories=["hep-th"])
    assert hub.read_paper("hep-th/9901001v2").startswith("# Strings\n")
    with pytest.raises(HfHubHTTPError) as raised:
        hub.read_paper("2501.99999")
    assert raised.value.response.status_code == 404
    assert client.get("/papers/hep-th/9901001.md")["Content-Type"].startswith("text/markdown")


def test_search_takes_up_to_120_results_and_queries_up_to_250_characters(hub):
    records = [
        PaperRecord(arxiv_id=f"2501.{number:05d}", title=f"Attention study {number}",
                    authors=["Ada Lovelace"], categories=["cs.LG"], announced_on=date(2025, 1, 8))
        for number in range(1, 131)
    ]  # fmt: skip
    ingest(records, IngestReport("test"))
    found = [info.id for info in hub.list_papers(query="attention", limit=120)]
    assert len(found) == len(set(found)) == 120
    assert len(list(hub.list_papers(query="attention " + "x" * 240, limit=5))) <= 5
    with pytest.raises(HfHubHTTPError) as raised:
        list(hub.list_papers(query="attention", limit=121))
    assert raised.value.response.status_code == 400
    with pytest.raises(HfHubHTTPError) as raised:
        list(hub.list_papers(query="a" * 251))
    assert raised.value.response.status_code == 422
    assert "251 characters" in raised.value.response.json()["error"]["message"]


def test_the_undated_daily_list_pages_back_through_the_days_newest_first(hub):
    for day, numbers in ((date(2025, 1, 6), (1, 2)), (date(2025, 1, 7), (3,)),
                         (date(2025, 1, 8), (4, 5))):  # fmt: skip
        for number in numbers:
            store_detailed_paper(f"2501.0000{number}", day=day)
    make_curation(store_detailed_paper("2501.00009", day=date(2025, 1, 7)), Curation.HIDDEN)
    pages = [[info.id for info in hub.list_daily_papers(p=page, limit=2)] for page in range(4)]
    assert pages == [["2501.00005", "2501.00004"], ["2501.00003", "2501.00002"],
                     ["2501.00001"], []]  # fmt: skip
    by_votes = [info.id for info in hub.list_daily_papers(sort="trending", limit=3)]
    assert by_votes[:2] == ["2501.00004", "2501.00005"] and by_votes[2] == "2501.00003"


def test_api_papers_pages_every_paper_newest_first_through_the_link_header(hub, client):
    for day, number in ((date(2025, 1, 6), 1), (date(2025, 1, 8), 2), (date(2025, 1, 7), 3)):
        store_detailed_paper(f"2501.0000{number}", day=day)
    store_paper("2501.00004", day=None)
    url = f"{hub.endpoint}/api/papers"
    papers = [paper["id"] for paper in paginate(url, params={"limit": 1}, headers={})]
    assert papers == ["2501.00002", "2501.00003", "2501.00001", "2501.00004"]
    assert [info.id for info in hub.list_papers()][:2] == ["2501.00002", "2501.00003"]
    assert client.get("/api/papers", {"limit": 101}).status_code == 400
    assert client.get("/api/papers", {"cursor": "forged"}).json()["error"]["code"] == (
        "invalid_cursor"
    )


def test_the_openapi_schema_documents_the_new_parameters(client):
    schema = client.get("/api/openapi.json").json()
    listing = schema["paths"]["/api/papers"]["get"]
    assert {param["name"] for param in listing["parameters"]} == {"cursor", "limit"}
    search = {p["name"]: p for p in schema["paths"]["/api/papers/search"]["get"]["parameters"]}
    assert search["limit"]["schema"]["maximum"] == 120
    assert "422" in schema["paths"]["/api/papers/search"]["get"]["responses"]
