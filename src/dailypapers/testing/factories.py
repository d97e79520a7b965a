"""Test data, made the way production makes it.

Papers that pages, search and the API read are stored through the ingest pipeline (so their
author, category and search index rows exist); a bare ``Paper`` row is enough for the
community features. Members, votes, collections and subscribers go through the models.
Every test module sets up through these functions rather than a copy of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.digests import runs
from dailypapers.digests.models import Delivery, DigestRun, Subscriber
from dailypapers.feed.community.services.claims import author_row
from dailypapers.feed.models import (
    AuthorClaim,
    Collection,
    CollectionItem,
    Curation,
    Submission,
    Topic,
    Vote,
)
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.papers.models import IngestRun, Paper, PaperCategory
from dailypapers.repos.links import link_papers
from dailypapers.repos.models import Repository
from dailypapers.thumbnails import storage
from dailypapers.thumbnails.models import Thumbnail

PASSWORD = "a-long-password-1"
LISTING_DAY = date(2025, 1, 6)  # a Monday: the day store_paper lists papers on
DETAILED_DAY = date(2025, 1, 8)  # a Wednesday of ISO week 2025-W02
TITLED_DAY = date(2025, 3, 12)
DIGEST_DAY = date(2026, 3, 4)  # a Wednesday announcement day
SUBSCRIBE_FORM = {
    "email": "new@example.com",
    "frequency": "weekly",
    "content": "trending",
    "top_n": "5",
}
ARXIV_API_PATH = "/api/query"  # where the fake arXiv answers API queries
_ARXIV_API_FIXTURES = Path(__file__).parents[1] / "lib" / "tests" / "fixtures" / "arxiv-api"
_paper_numbers = count(1)


# Members


def make_user(
    email: str = "ada@example.org",
    *,
    verified: bool = True,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """A member; ``verified`` confirms the address now (what voting and posting need)."""
    verified_at = timezone.now() if verified else None
    return User.objects.create_user(email, password, email_verified_at=verified_at, **fields)


def make_member(email: str = "ada@example.org", name: str = "Ada", **fields: Any) -> User:
    """A verified member with a display name, as pages and the API show members."""
    return make_user(email, display_name=name, **fields)


def make_curator(email: str = "cur@example.org", **fields: Any) -> User:
    return make_user(email, is_curator=True, **fields)


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# Papers


def make_paper(
    arxiv_id: str = "2501.00001",
    title: str = "",
    *,
    announced_on: date | None = None,
    **fields: Any,
) -> Paper:
    """A bare paper row (no authors or category rows): enough to vote, comment or curate."""
    return Paper.objects.create(
        arxiv_id=arxiv_id,
        title=title or f"Paper {arxiv_id}",
        announced_on=announced_on,
        content_hash="x",
        **fields,
    )


def make_ingest_run(source: str, finished_ago: timedelta, **fields: Any) -> IngestRun:
    """A finished ingest of ``source`` that ended ``finished_ago``, a minute after it began."""
    finished_at = timezone.now() - finished_ago
    return IngestRun.objects.create(
        source=source, started_at=finished_at - timedelta(minutes=1), finished_at=finished_at,
        **fields,
    )  # fmt: skip


def make_paper_announced_today(arxiv_id: str = "2501.00001") -> Paper:
    return make_paper(arxiv_id, announced_on=datetime.now(UTC).date())


def make_ranked_paper(
    day: date = DIGEST_DAY, *, score: float = 1.0, categories: str = "cs.LG", **fields: Any
) -> Paper:
    """A numbered paper (2603.00001, 2603.00002, ...) with a trending score and its category
    rows: what a digest ranks and picks from."""
    number = next(_paper_numbers)
    values: dict[str, Any] = {
        "arxiv_id": f"2603.{number:05d}",
        "title": f"Paper number {number} on learning",
        "abstract": f"We study problem {number}. " + "It is interesting. " * 30,
        "author_names": ["Ada Example", "Bo Sample"],
        "primary_category": categories.split()[0],
        "categories": categories,
        "announced_on": day,
        "trending_score": score,
        "upvote_count": int(score),
        "content_hash": f"h{number}",
    }
    values.update(fields)
    paper = Paper.objects.create(**values)
    PaperCategory.objects.bulk_create(
        [PaperCategory(paper=paper, category=c, announced_on=day) for c in categories.split()]
    )
    return paper


def store_paper(arxiv_id: str, day: date | None = LISTING_DAY, **fields: Any) -> Paper:
    """A paper stored through the ingest pipeline, listed on ``day``; ``fields`` are
    ``PaperRecord`` fields overriding the plain defaults."""
    values: dict[str, Any] = {
        "title": f"Paper {arxiv_id}",
        "abstract": "An abstract.",
        "authors": ["Ada Lovelace"],
        "categories": ["cs.LG"],
    }
    values.update(fields)
    ingest([PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)], IngestReport("test"))
    return Paper.objects.get(arxiv_id=arxiv_id)


def import_paper(arxiv_id: str, day: date | None = LISTING_DAY, **fields: Any) -> Paper:
    """``store_paper`` as a whole import ends: the finished report announces the paper
    (papers_imported), which queues its embedding on the task queue."""
    values: dict[str, Any] = {"title": f"Paper {arxiv_id}", "authors": ["Ada Lovelace"],
                              "categories": ["cs.LG"], **fields}  # fmt: skip
    report = IngestReport("test")
    ingest([PaperRecord(arxiv_id=arxiv_id, announced_on=day, **values)], report)
    report.finish()
    return Paper.objects.get(arxiv_id=arxiv_id)


def store_detailed_paper(arxiv_id: str, day: date | None = DETAILED_DAY, **fields: Any) -> Paper:
    """A stored paper with every field the API serialises set: two authors, an abstract
    naming the paper, and a submission time with microseconds (times must stay exact)."""
    values: dict[str, Any] = {
        "abstract": f"The abstract of {arxiv_id}.",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "submitted_at": datetime(2025, 1, 3, 17, 30, 15, 250000, tzinfo=UTC),
    }
    values.update(fields)
    return store_paper(arxiv_id, day, **values)


def store_titled_paper(
    arxiv_id: str, title: str, *, day: date | None = TITLED_DAY, **fields: Any
) -> Paper:
    """A stored paper whose abstract repeats its title: topics and recommendations match
    papers on their words."""
    values: dict[str, Any] = {"abstract": f"We study {title.lower()}."}
    values.update(fields)
    return store_paper(arxiv_id, day, title=title, **values)


def set_counters(paper: Paper, **counters: Any) -> Paper:
    """Votes and comments land in these columns; tests set them directly."""
    Paper.objects.filter(pk=paper.pk).update(**counters)
    paper.refresh_from_db()
    return paper


def set_trending_score(paper: Paper, score: float) -> Paper:
    return set_counters(paper, trending_score=score)


def make_thumbnail(
    paper: Paper, status: str = Thumbnail.Status.RENDERED, **fields: Any
) -> Thumbnail:
    """A thumbnail row for ``paper``; a rendered one gets a small WebP file under THUMBNAIL_DIR."""
    if status == Thumbnail.Status.RENDERED:
        picture, _ = storage.placeholder()
        storage.save(paper.arxiv_id, picture)
        values: dict[str, Any] = {"bytes": len(picture), "width": storage.WIDTH, "height": 414}
    else:
        values = {"reason": "made by a test"}
    values.update(fields)
    return Thumbnail.objects.create(paper=paper, status=status, **values)


def arxiv_ids(ids: list[int]) -> list[str]:
    """The arXiv ids of these paper ids, in the same order (what assertions read best)."""
    by_pk = dict(Paper.objects.filter(pk__in=ids).values_list("pk", "arxiv_id"))
    return [by_pk[pk] for pk in ids]


# Community


def make_submission(paper: Paper, by: User | None, day: date = DETAILED_DAY) -> Submission:
    """Submitted at 09:15:30.123456 UTC of ``day``: microseconds test that times stay exact."""
    moment = datetime(day.year, day.month, day.day, 9, 15, 30, 123456, tzinfo=UTC)
    return Submission.objects.create(
        paper=paper, submitted_by=by, feed_day=day, submitted_at=moment
    )


def make_claim(
    member: User, paper: Paper, position: int = 0, status: str = AuthorClaim.PENDING
) -> AuthorClaim:
    """``member``'s claim to be author ``position`` of ``paper``; a decided one was decided
    a minute ago, by nobody in particular."""
    decided = None if status == AuthorClaim.PENDING else timezone.now() - timedelta(minutes=1)
    name = paper.author_names[position]
    return AuthorClaim.objects.create(
        paper=paper, position=position, name=name, author=author_row(paper, name),
        member=member, status=status, decided_at=decided,
    )  # fmt: skip


def make_curation(paper: Paper, state: str, day: date = DETAILED_DAY) -> Curation:
    return Curation.objects.create(paper=paper, day=day, state=state)


def make_votes(user: User, *papers: Paper) -> None:
    for paper in papers:
        Vote.objects.create(user=user, paper=paper)


def make_reading_list(owner: User, papers: Iterable[Paper], *, public: bool = True) -> Collection:
    """A collection "reading" holding ``papers``, each added a minute after the one before."""
    found = Collection.objects.create(
        owner=owner, name="Reading list", slug="reading", is_public=public
    )
    for minute, paper in enumerate(papers):
        added = datetime(2025, 1, 9, 10, minute, tzinfo=UTC)
        CollectionItem.objects.create(collection=found, paper=paper, added_at=added)
    return found


def save_to_collection(user: User, name: str, *papers: Paper) -> Collection:
    """Papers saved now into the member's collection ``name`` (made if missing)."""
    collection, _ = Collection.objects.get_or_create(
        owner=user, slug=name.lower().replace(" ", "-"), defaults={"name": name}
    )
    for paper in papers:
        CollectionItem.objects.create(collection=collection, paper=paper)
    return collection


def make_topic(
    name: str, query: str = "", categories: list[str] | None = None, **fields: Any
) -> Topic:
    slug = fields.pop("slug", name.lower().replace(" ", "-"))
    return Topic.objects.create(
        name=name, slug=slug, query=query, categories=categories or [], **fields
    )


# Digests


def make_subscriber(email: str, *, due: datetime | None = None, **fields: Any) -> Subscriber:
    """A confirmed subscriber, due a minute ago unless ``due`` says otherwise."""
    now = timezone.now()
    values: dict[str, Any] = {
        "confirmed_at": now - timedelta(days=1),
        "next_due_at": due or now - timedelta(minutes=1),
    }
    values.update(fields)
    return Subscriber.objects.create(email=email, **values)


def make_delivery(
    run: DigestRun, subscriber: Subscriber, state: str = "pending", attempts: int = 0
) -> Delivery:
    """One subscriber's delivery in ``run``, in ``state`` after ``attempts`` tries."""
    return Delivery.objects.create(
        run=run, subscriber=subscriber, state=state, attempts=attempts,
        next_attempt_at=timezone.now(),
    )  # fmt: skip


def plan_digest_run(subscribers: int) -> tuple[DigestRun, list[int]]:
    """Two ranked papers and ``subscribers`` due subscribers, planned into one run: the run
    and its delivery ids."""
    make_ranked_paper(score=5)
    make_ranked_paper(score=3)
    for i in range(subscribers):
        make_subscriber(f"r{i}@example.com")
    now = timezone.now()
    run = DigestRun.objects.create(slot=now, latest_day=runs.latest_announcement_day())
    return run, runs.plan(run, now, fan_out=False)


# Outside sources


def kaggle_line(arxiv_id: str, title: str = "An Invented Title", **extra: object) -> str:
    """One line of the Kaggle arXiv metadata snapshot."""
    record: dict[str, object] = {
        "id": arxiv_id,
        "title": title,
        "authors": "Ann Example",
        "categories": "cs.DL",
    }
    record.update(extra)
    return json.dumps(record)


def arxiv_answer_with_only(arxiv_id: str) -> str:
    """The arXiv API id-list fixture cut down to the one entry asked for, as arXiv would
    answer a query for that id."""
    feed = (_ARXIV_API_FIXTURES / "current_2026_id_list.atom.xml").read_text()
    for entry in re.findall(r"\s*<entry>.*?</entry>", feed, flags=re.S):
        if f"/abs/{arxiv_id}v" not in entry:
            feed = feed.replace(entry, "")
    return feed.replace("<opensearch:totalResults>2<", "<opensearch:totalResults>1<")


def star_repo(paper: Paper, stars: int | None, stars_per_day: float = 0.0) -> Repository:
    """Link ``paper`` to the first GitHub repository of its code links, fetched with ``stars``."""
    link_papers([paper.pk])
    repo = Repository.objects.get(links__paper=paper)
    status = Repository.PENDING if stars is None else Repository.OK
    fetched = None if stars is None else timezone.now()
    Repository.objects.filter(pk=repo.pk).update(
        stars=stars, stars_per_day=stars_per_day, status=status, fetched_at=fetched
    )
    repo.refresh_from_db()
    return repo
