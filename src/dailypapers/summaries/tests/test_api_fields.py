"""ai_summary and ai_keywords in the Hugging Face-compatible API, read by the real
huggingface_hub client (PaperInfo), the daily item's own "summary", and our /api/v1 papers:
stored ones, else computed on read, in the list's own queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.papers.models import Paper
from dailypapers.summaries.models import AutoSummary
from dailypapers.summaries.store import summarize_papers
from dailypapers.testing.factories import store_detailed_paper

ABSTRACT = (
    "Quantum error-correcting codes protect quantum information from noise. We introduce a "
    "belief propagation decoder for quantum low-density parity-check codes. The decoder "
    "beats minimum-weight matching on surface codes. It runs in linear time on an FPGA."
)


def code_paper(arxiv_id: str = "2501.00001") -> Paper:
    return store_detailed_paper(arxiv_id, title="Decoding quantum codes", abstract=ABSTRACT)


@pytest.mark.django_db(transaction=True)
def test_the_hub_client_reads_ai_summary_and_ai_keywords_stored_or_not(hub):
    code_paper("2501.00001")
    summarize_papers([code_paper("2501.00002").pk])
    AutoSummary.objects.update(summary="A decoder, stored.", keywords=["stored phrase"])
    computed = hub.paper_info("2501.00001")
    assert "We introduce a belief propagation decoder" in computed.ai_summary
    assert 5 <= len(computed.ai_keywords) <= 8
    assert any("belief propagation" in phrase for phrase in computed.ai_keywords)
    assert computed.summary == ABSTRACT  # the abstract stays the paper's summary
    stored = hub.paper_info("2501.00002")
    assert (stored.ai_summary, stored.ai_keywords) == ("A decoder, stored.", ["stored phrase"])
    daily = {info.id: info for info in hub.list_daily_papers(date="2025-01-08")}
    assert daily["2501.00001"].ai_summary == computed.ai_summary
    assert daily["2501.00002"].ai_keywords == ["stored phrase"]
    assert all(info.ai_summary for info in hub.list_papers(query="decoder"))
    assert not AutoSummary.objects.filter(paper__arxiv_id="2501.00001").exists()


@pytest.mark.django_db
def test_each_daily_item_carries_the_automatic_summary_beside_the_paper(client):
    code_paper()
    [item] = client.get("/api/daily_papers", {"date": "2025-01-08"}).json()
    assert (
        item["ai_summary"] == item["paper"]["ai_summary"] and "We introduce" in item["ai_summary"]
    )
    assert item["ai_keywords"] == item["paper"]["ai_keywords"] != []
    # "summary" repeats the abstract, as on the Hub: the client copies it over PaperInfo.summary.
    assert item["summary"] == item["paper"]["summary"] == ABSTRACT


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [False, True])
def test_hub_lists_cost_the_same_queries_for_one_paper_or_six(client, stored):
    code_paper("2501.00001")
    if stored:
        summarize_papers(Paper.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/daily_papers", {"date": "2025-01-08"}).json()) == 1
    for number in range(2, 7):
        code_paper(f"2501.0000{number}")
    if stored:
        summarize_papers(Paper.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as six:
        found = client.get("/api/daily_papers", {"date": "2025-01-08", "limit": 10}).json()
    assert len(found) == 6 and all(item["ai_keywords"] for item in found)
    assert len(six) == len(one)


@pytest.mark.django_db
def test_our_own_api_returns_them_on_a_paper_and_in_day_lists(client):
    code_paper()
    paper = client.get("/api/v1/papers/2501.00001").json()
    assert "We introduce" in paper["ai_summary"] and len(paper["ai_keywords"]) >= 5
    [item] = client.get("/api/v1/days/2025-01-08").json()["items"]
    assert (item["ai_summary"], item["ai_keywords"]) == (paper["ai_summary"], paper["ai_keywords"])
