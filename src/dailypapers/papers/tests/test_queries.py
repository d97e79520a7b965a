"""Shared paper queries: rows loaded in an order decided elsewhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids() -> dict[str, int]:
    records = [
        PaperRecord(
            arxiv_id=f"2501.0000{n}",
            title=f"Paper {n}",
            abstract="An abstract.",
            authors=["Ada Lovelace"],
            categories=["cs.LG"],
            announced_on=date(2025, 1, 6),
        )
        for n in range(1, 5)
    ]
    ingest(records, IngestReport(source="test"))
    return dict(Paper.objects.values_list("arxiv_id", "pk"))


def test_papers_come_in_the_order_of_the_ids_in_one_query(ids):
    wanted = [ids["2501.00003"], ids["2501.00001"], ids["2501.00004"]]
    with CaptureQueriesContext(connection) as queries:
        papers = Paper.objects.only("arxiv_id").in_order(wanted)
    assert [paper.arxiv_id for paper in papers] == ["2501.00003", "2501.00001", "2501.00004"]
    assert len(queries) == 1


def test_ids_of_deleted_papers_or_outside_the_queryset_are_left_out(ids):
    Paper.objects.filter(arxiv_id="2501.00002").delete()
    wanted = [ids["2501.00002"], ids["2501.00004"], ids["2501.00001"], 10**12]

    assert [p.arxiv_id for p in Paper.objects.all().in_order(wanted)] == [
        "2501.00004",
        "2501.00001",
    ]
    only_four = Paper.objects.filter(arxiv_id="2501.00004")
    assert [p.arxiv_id for p in only_four.in_order(wanted)] == ["2501.00004"]
    assert Paper.objects.all().in_order([]) == []
