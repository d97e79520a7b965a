"""Background tasks of the paper store. Arguments are plain values; every task is idempotent
(ingest upserts, so running one twice stores nothing twice). Whatever an import changed is
announced by papers.signals.papers_imported (search embeds it)."""

from __future__ import annotations

from django_tasks import task

from dailypapers.papers.ingest.oai import harvest_oai
from dailypapers.papers.ingest.rss import import_rss


@task()
def ingest_listings(categories: list[str]) -> dict[str, int]:
    """Fetch today's RSS listing of ``categories`` and store it."""
    report = import_rss(categories)
    return {"new": report.new, "updated": report.updated, "skipped": report.skipped}


@task()
def harvest_set(set_spec: str) -> dict[str, int]:
    """Continue the incremental OAI-PMH harvest of one set."""
    report = harvest_oai(set_spec=set_spec)
    return {"new": report.new, "updated": report.updated, "skipped": report.skipped}
