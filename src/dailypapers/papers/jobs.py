"""The daily ingest on the site's schedule: RSS listings and OAI-PMH harvests.

Found by core.scheduling.discover() as this module's JOBS; both run once a day, at
INGEST_AT_UTC after arXiv's announcement.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings

from dailypapers.core.scheduling import Job
from dailypapers.lib.arxiv.schedule import next_ingest_time

# OAI-PMH sets are archives; physics archives sit under "physics:".
PHYSICS_ARCHIVES = {
    "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph",
    "nlin", "nucl-ex", "nucl-th", "physics", "quant-ph",
}  # fmt: skip


def oai_sets(categories: list[str]) -> list[str]:
    sets: list[str] = []
    for category in categories:
        archive = category.split(".")[0]
        spec = f"physics:{archive}" if archive in PHYSICS_ARCHIVES else archive
        if spec not in sets:
            sets.append(spec)
    return sets


def parse_hhmm(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"INGEST_AT_UTC must be HH:MM, got {text!r}") from None


def _daily_at_ingest_time(now: datetime) -> datetime:
    return next_ingest_time(now, parse_hhmm(settings.INGEST_AT_UTC))


def _enqueue_listings() -> object:
    from dailypapers.papers.tasks import ingest_listings

    return ingest_listings.enqueue(list(settings.ARXIV_CATEGORIES))


def _enqueue_harvests() -> object:
    from dailypapers.papers.tasks import harvest_set

    return [harvest_set.enqueue(spec) for spec in oai_sets(list(settings.ARXIV_CATEGORIES))]


JOBS = [
    Job("ingest-rss-listings", _daily_at_ingest_time, _enqueue_listings, order=10),
    Job("harvest-oai", _daily_at_ingest_time, _enqueue_harvests, order=20),
]
