"""The whole shared metadata file through `dailypapers ingest jsonl`, checked against the file.

The expected numbers are computed here from the file itself with nothing but ``gzip``,
``json`` and ``csv``, so the test checks the pipeline rather than repeating it; a few of
them are also pinned to the counts published in ../shared/data/SOURCES.md.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from dailypapers.papers.models import Paper

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db]

SUMMARY = re.compile(
    r"jsonl: (?P<new>[\d,]+) new, (?P<updated>[\d,]+) updated, "
    r"(?P<unchanged>[\d,]+) unchanged, (?P<skipped>[\d,]+) skipped "
    r"in \d+\.\d s \([\d,]+ records/s\)"
)
VERSION_SUFFIX = re.compile(r"v\d+$")


def run_jsonl(*args: object) -> tuple[dict[str, int], str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", "--no-progress", "jsonl", *map(str, args), stdout=out, stderr=err)
    match = SUMMARY.fullmatch(out.getvalue().strip().splitlines()[-1])
    assert match, out.getvalue()
    counts = {key: int(value.replace(",", "")) for key, value in match.groupdict().items()}
    return counts, err.getvalue()


def facts_from_file(data: Path) -> dict:
    """What the metadata file says, read without any of the project's code."""
    ids: list[str] = []
    primary: Counter[str] = Counter()
    with_doi = 0
    with open(data, "rb") as raw, gzip.open(raw) as lines:
        for line in lines:
            record = json.loads(line)
            ids.append(VERSION_SUFFIX.sub("", record["id"]))
            primary[(record["categories"] or "").split()[0]] += 1
            with_doi += bool((record["doi"] or "").strip())
    return {"ids": ids, "primary": primary, "with_doi": with_doi}


def first_listing_days(events: Path) -> dict[str, date]:
    days: dict[str, date] = {}
    with gzip.open(events, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            arxiv_id = VERSION_SUFFIX.sub("", row["id"])
            day = date.fromisoformat(row["listing_date"])
            if arxiv_id not in days or day < days[arxiv_id]:
                days[arxiv_id] = day
    return days


def test_the_shared_metadata_file_imports_completely_and_matches_the_file(shared_data, tmp_path):
    data = shared_data / "arxiv-metadata.jsonl.gz"
    events = shared_data / "arxiv-listing-events.tsv.gz"
    facts = facts_from_file(data)
    listed = first_listing_days(events)
    assert len(facts["ids"]) == len(set(facts["ids"])) == 90_929
    assert facts["primary"]["cs.CV"] == 34_692  # as SOURCES.md says
    assert facts["with_doi"] == 1_011

    counts, err = run_jsonl(data)  # the events file beside it is picked up on its own

    assert f"announcement days from {events}" in err
    assert counts == {"new": 90_929, "updated": 0, "unchanged": 0, "skipped": 0}, err
    assert Paper.objects.count() == 90_929
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == set(facts["ids"])
    for category in ("cs.CV", "cs.CL", "cs.AI", "astro-ph.GA"):
        assert (
            Paper.objects.filter(primary_category=category).count() == (facts["primary"][category])
        ), category
    assert Paper.objects.exclude(doi="").count() == 1_011

    stored = {
        arxiv_id: (day, estimated)
        for arxiv_id, day, estimated in Paper.objects.values_list(
            "arxiv_id", "announced_on", "announced_on_estimated"
        )
    }
    from_events = {arxiv_id: listed[arxiv_id] for arxiv_id in stored if arxiv_id in listed}
    # SOURCES.md: 73,471 cs + 13,761 astro-ph + 2,066 math records came from daily listings.
    assert len(from_events) == 89_298
    assert {arxiv_id: stored[arxiv_id] for arxiv_id in from_events} == {
        arxiv_id: (day, False) for arxiv_id, day in from_events.items()
    }
    # The 1,631 papers no listing names are the ones with versions: their day is estimated.
    unlisted = [stored[arxiv_id] for arxiv_id in stored if arxiv_id not in listed]
    assert len(unlisted) == 1_631
    assert all(day is not None and estimated for day, estimated in unlisted)

    # A second import of the first 2,000 lines finds nothing to change.
    head = tmp_path / "head.jsonl"
    with gzip.open(data, "rb") as source, open(head, "wb") as target:
        for _, line in zip(range(2_000), source, strict=False):
            target.write(line)
    again, _ = run_jsonl(head, "--listing-events", events)
    assert again == {"new": 0, "updated": 0, "unchanged": 2_000, "skipped": 0}
    # Without the events file the stored listing days still win over estimates.
    assert run_jsonl(head)[0]["updated"] == 0
