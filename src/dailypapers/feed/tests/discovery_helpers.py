"""Test data for topics and recommendations: papers through the ingest pipeline (so their
category rows and search index entries exist), members and community rows through models."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.feed.models import Collection, CollectionItem, Topic, Vote
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import Paper

DAY = date(2025, 3, 12)


def store(arxiv_id: str, title: str, *, day: date | None = DAY, **fields: Any) -> Paper:
    values: dict[str, Any] = {
        "title": title,
        "abstract": f"We study {title.lower()}.",
        "authors": ["Ada Lovelace"],
        "categories": ["cs.LG"],
    }
    values.update(fields)
    ingest([PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)], IngestReport("test"))
    return Paper.objects.get(arxiv_id=arxiv_id)


def member(email: str = "ada@example.org", *, verified: bool = True, **fields: Any) -> User:
    verified_at = timezone.now() if verified else None
    return User.objects.create_user(
        email, "a-long-password-1", email_verified_at=verified_at, **fields
    )


def topic(name: str, query: str = "", categories: list[str] | None = None, **fields: Any) -> Topic:
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    return Topic.objects.create(
        name=name, slug=slug, query=query, categories=categories or [], **fields
    )


def upvote(user: User, *papers: Paper) -> None:
    for paper in papers:
        Vote.objects.create(user=user, paper=paper)


def save_to(user: User, name: str, *papers: Paper) -> Collection:
    collection, _ = Collection.objects.get_or_create(
        owner=user, slug=name.lower().replace(" ", "-"), defaults={"name": name}
    )
    for paper in papers:
        CollectionItem.objects.create(collection=collection, paper=paper)
    return collection


def trending(paper: Paper, score: float) -> Paper:
    Paper.objects.filter(pk=paper.pk).update(trending_score=score)
    paper.refresh_from_db()
    return paper


def arxiv_ids(ids: list[int]) -> list[str]:
    by_pk = dict(Paper.objects.filter(pk__in=ids).values_list("pk", "arxiv_id"))
    return [by_pk[pk] for pk in ids]
