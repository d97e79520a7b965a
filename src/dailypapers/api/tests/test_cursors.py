"""Cursor pagination over orders with nullable columns and ties."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import signing

from dailypapers.api.cursors import InvalidCursor, cursor_page, decode_cursor, order_keys
from dailypapers.feed.queries import author_papers
from dailypapers.papers.models import Author, Paper
from dailypapers.testing.factories import DETAILED_DAY, store_detailed_paper

pytestmark = pytest.mark.django_db


def walk(queryset, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = cursor_page(queryset, cursor, limit)
        seen += [paper.arxiv_id for paper in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_pages_cross_papers_with_no_day_which_sort_last():
    for number, day in enumerate(
        [date(2025, 1, 6), None, DETAILED_DAY, None, DETAILED_DAY], start=1
    ):
        paper = store_detailed_paper(f"2501.0000{number}")
        # Set directly: ingest estimates a missing day from the submission time.
        Paper.objects.filter(pk=paper.pk).update(announced_on=day)
    ada = Author.objects.get(name="Ada Lovelace")
    papers = author_papers(ada.pk)
    whole = [paper.arxiv_id for paper in papers]
    assert whole[-2:] == ["2501.00004", "2501.00002"]  # the nulls, last
    for limit in (1, 2, 3):
        assert walk(papers, limit) == whole


def test_the_order_is_read_from_the_queryset_with_its_null_placement():
    keys = order_keys(author_papers(1))
    assert [(key.name, key.descending, key.nulls) for key in keys] == [
        ("announced_on", True, "last"), ("arxiv_id", True, ""),
    ]  # fmt: skip


def test_a_signed_cursor_with_the_wrong_number_of_values_is_refused():
    keys = order_keys(author_papers(1))
    token = signing.dumps({"o": "x", "v": [1]}, salt="dailypapers.api.cursor", compress=True)
    with pytest.raises(InvalidCursor):
        decode_cursor(keys, token)
