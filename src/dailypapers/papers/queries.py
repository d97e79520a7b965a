"""Queries on papers that every part shares."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from dailypapers.papers.models import Paper


def papers_in_order(papers: QuerySet[Paper], ids: Sequence[int]) -> list[Paper]:
    """The rows of ``papers`` with these ids, in the order of ``ids``, in one query.

    Search, topics and recommendations rank ids elsewhere; ``papers`` says which columns to
    load. A paper deleted meanwhile (or outside ``papers``) is left out.
    """
    rows = {paper.pk: paper for paper in papers.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]
