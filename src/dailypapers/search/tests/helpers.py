"""Store papers the way production does: through the ingest pipeline (executemany, bulk_update)."""

from __future__ import annotations

from datetime import date

from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper


def store(arxiv_id: str, day: date | None = date(2025, 1, 6), **fields: object) -> Paper:
    values: dict[str, object] = {
        "title": f"Paper {arxiv_id}",
        "abstract": "An abstract.",
        "authors": ["Ada Lovelace"],
        "categories": ["cs.LG"],
    }
    values.update(fields)
    ingest([PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)], IngestReport("test"))
    return Paper.objects.get(arxiv_id=arxiv_id)


def arxiv_ids(ids: list[int]) -> list[str]:
    """The arXiv ids of these paper ids, in the same order (what assertions read best)."""
    by_pk = dict(Paper.objects.filter(pk__in=ids).values_list("pk", "arxiv_id"))
    return [by_pk[pk] for pk in ids]
