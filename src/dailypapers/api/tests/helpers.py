"""Test data made the way production makes it: papers through the ingest pipeline (so their
authors and category rows exist), community rows through the models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.feed.models import Collection, CollectionItem, Curation, Submission
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper

DAY = date(2025, 1, 8)  # a Wednesday of ISO week 2025-W02


def store(arxiv_id: str, day: date | None = DAY, **fields: Any) -> Paper:
    values: dict[str, Any] = {
        "title": f"Paper {arxiv_id}",
        "abstract": f"The abstract of {arxiv_id}.",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "categories": ["cs.LG"],
        "submitted_at": datetime(2025, 1, 3, 17, 30, 15, 250000, tzinfo=UTC),
    }
    values.update(fields)
    record = PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)
    ingest([record], IngestReport(source="test"))
    return Paper.objects.get(arxiv_id=arxiv_id)


def set_counters(paper: Paper, **counters: Any) -> Paper:
    """Votes and comments land in these columns; tests set them directly."""
    Paper.objects.filter(pk=paper.pk).update(**counters)
    paper.refresh_from_db()
    return paper


def member(email: str = "ada@example.org", name: str = "Ada") -> User:
    return User.objects.create_user(
        email, "a-long-password-1", display_name=name, email_verified_at=timezone.now()
    )


def submit(paper: Paper, by: User | None, day: date = DAY) -> Submission:
    """Submitted at 09:15:30.123456 UTC of ``day``: microseconds test that times stay exact."""
    moment = datetime(day.year, day.month, day.day, 9, 15, 30, 123456, tzinfo=UTC)
    return Submission.objects.create(
        paper=paper, submitted_by=by, feed_day=day, submitted_at=moment
    )


def curate(paper: Paper, state: str, day: date = DAY) -> Curation:
    return Curation.objects.create(paper=paper, day=day, state=state)


def collection_of(owner: User, papers: list[Paper], *, public: bool = True) -> Collection:
    """A collection "reading" holding ``papers``, each added a minute after the one before."""
    found = Collection.objects.create(
        owner=owner, name="Reading list", slug="reading", is_public=public
    )
    for minute, paper in enumerate(papers):
        added = datetime(2025, 1, 9, 10, minute, tzinfo=UTC)
        CollectionItem.objects.create(collection=found, paper=paper, added_at=added)
    return found
