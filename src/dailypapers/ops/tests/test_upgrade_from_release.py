"""A database made by release 0.1.0, with data, upgrades to this version with every row kept.

The test unapplies our apps' migrations (a database without our tables), migrates to
exactly release 0.1.0's leaves (release_0_1_0.py), writes one of everything through the
historical models of that state, migrates to the current leaves and reads it all back
through today's models. Runs on both legs: SQLite and PostgreSQL.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dailypapers.ops.tests import release_0_1_0

pytestmark = pytest.mark.slow

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DAY = date(2026, 3, 2)
OUR_APPS = ["accounts", "core", "dailypapers_api", "digests", "feed", "mail", "papers", "search"]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to ``targets``; the project state (historical models) reached."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [target for target in targets if target[1] is not None]
    ).apps


def _fill(old: Any) -> dict[str, int]:
    """One of everything a 0.1.0 site holds; the ids the checks look up after the upgrade."""
    User = old.get_model("accounts", "User")
    member = User.objects.create(email="ada@example.com", password="x", display_name="Ada")
    staff = User.objects.create(email="staff@example.com", password="x", is_staff=True)
    Author = old.get_model("papers", "Author")
    Paper = old.get_model("papers", "Paper")
    PaperAuthor = old.get_model("papers", "PaperAuthor")
    PaperCategory = old.get_model("papers", "PaperCategory")
    authors = [Author.objects.create(name=n, key=n.lower()) for n in ("Noether", "Hopper")]
    papers = []
    for i in range(3):
        paper = Paper.objects.create(
            arxiv_id=f"2603.0000{i}",
            title=f"Upgrade-safe paper {i}",
            abstract="Gradient flows on graphs.",
            author_names=["Noether", "Hopper"],
            primary_category="cs.LG",
            categories="cs.LG stat.ML",
            content_hash=f"hash{i}",
            announced_on=DAY,
            submitted_at=WHEN,
            upvote_count=1 if i == 0 else 0,
            comment_count=2 if i == 0 else 0,
        )
        for position, author in enumerate(reversed(authors) if i else authors):
            PaperAuthor.objects.create(paper=paper, author=author, position=position)
        for category in ("cs.LG", "stat.ML"):
            PaperCategory.objects.create(paper=paper, category=category, announced_on=DAY)
        papers.append(paper)
    first = papers[0]
    old.get_model("search", "PaperEmbedding").objects.create(
        paper=first, model="m", dim=2, vector=b"\x00\x01\x02\x03", content_hash="hash0"
    )
    old.get_model("feed", "Vote").objects.create(user=member, paper=first)
    Comment = old.get_model("feed", "Comment")
    question = Comment.objects.create(author=member, paper=first, body="Why?", body_html="Why?")
    Comment.objects.create(
        author=staff, paper=first, parent=question, body="Because.", body_html="Because."
    )
    collection = old.get_model("feed", "Collection").objects.create(
        owner=member, name="Reading list", slug="reading-list", is_public=True
    )
    for paper in papers[:2]:
        old.get_model("feed", "CollectionItem").objects.create(collection=collection, paper=paper)
    topic = old.get_model("feed", "Topic").objects.create(
        name="Graphs", slug="graphs", query="graph", categories=["cs.LG"], created_by=staff
    )
    old.get_model("feed", "TopicFollow").objects.create(topic=topic, user=member)
    old.get_model("feed", "PersonalFeedToken").objects.create(
        user=member, nonce="n" * 16, digest="d" * 64
    )
    old.get_model("dailypapers_api", "ApiToken").objects.create(
        user=member, name="laptop", prefix="dp_abcd", digest="e" * 64
    )
    subscriber = old.get_model("digests", "Subscriber").objects.create(
        email="reader@example.com",
        categories=["cs.LG"],
        confirmed_at=WHEN,
        link_key="k" * 16,
        user=member,
    )
    old.get_model("digests", "Subscriber").objects.create(email="pending@example.com")
    run = old.get_model("digests", "DigestRun").objects.create(slot=WHEN, planned=1)
    delivery = old.get_model("digests", "Delivery").objects.create(
        run=run, subscriber=subscriber, next_attempt_at=WHEN, state="sent", sent_at=WHEN,
        paper_ids=[p.pk for p in papers],
    )  # fmt: skip
    old.get_model("digests", "SentPaper").objects.create(
        delivery=delivery, paper=first, subscriber=subscriber
    )
    old.get_model("papers", "ScheduledJob").objects.create(name="check-digests", next_run_at=WHEN)
    old.get_model("papers", "IngestRun").objects.create(
        source="rss", started_at=WHEN, finished_at=WHEN, new=3
    )
    old.get_model("mail", "QueuedEmail").objects.create(
        builder="digests.confirm", object_id=subscriber.pk, address="reader@example.com",
        status="queued", next_attempt_at=WHEN,
    )  # fmt: skip
    return {"member": member.pk, "paper": first.pk, "delivery": delivery.pk, "run": run.pk}


EXPECTED_COUNTS = {
    "accounts.User": 2,
    "papers.Author": 2,
    "papers.Paper": 3,
    "papers.PaperAuthor": 6,
    "papers.PaperCategory": 6,
    "papers.IngestRun": 1,
    "search.PaperEmbedding": 1,
    "feed.Vote": 1,
    "feed.Comment": 2,
    "feed.Collection": 1,
    "feed.CollectionItem": 2,
    "feed.Topic": 1,
    "feed.TopicFollow": 1,
    "feed.PersonalFeedToken": 1,
    "dailypapers_api.ApiToken": 1,
    "digests.Subscriber": 2,
    "digests.DigestRun": 1,
    "digests.Delivery": 1,
    "digests.SentPaper": 1,
    "core.ScheduledJob": 1,  # papers.ScheduledJob in 0.1.0
    "mail.QueuedEmail": 1,
}


@pytest.mark.django_db(transaction=True)
def test_a_release_0_1_0_database_with_data_upgrades_with_every_row_and_relation_kept():
    _migrate([(app, None) for app in OUR_APPS])
    ids = _fill(_migrate(release_0_1_0.LEAVES))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert not MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    ), "every migration is applied"

    for label, count in EXPECTED_COUNTS.items():
        assert current_apps.get_model(label).objects.count() == count, label
    Paper = current_apps.get_model("papers.Paper")
    paper = Paper.objects.get(pk=ids["paper"])
    assert paper.title == "Upgrade-safe paper 0" and paper.upvote_count == 1
    assert [a.name for a in paper.authors.order_by("authorships__position")] == [
        "Noether",
        "Hopper",
    ]
    assert sorted(paper.categories.split()) == ["cs.LG", "stat.ML"]
    reply = current_apps.get_model("feed.Comment").objects.get(parent__isnull=False)
    assert reply.parent.body == "Why?" and reply.paper_id == paper.pk
    collection = current_apps.get_model("feed.Collection").objects.get()
    assert collection.owner_id == ids["member"] and collection.papers.count() == 2
    delivery = current_apps.get_model("digests.Delivery").objects.get(pk=ids["delivery"])
    assert delivery.run_id == ids["run"] and delivery.subscriber.email == "reader@example.com"
    assert delivery.subscriber.user.email == "ada@example.com"
    assert delivery.paper_ids == list(Paper.objects.order_by("pk").values_list("pk", flat=True))
    embedding = current_apps.get_model("search.PaperEmbedding").objects.get()
    assert bytes(embedding.vector) == b"\x00\x01\x02\x03"
    job = current_apps.get_model("core.ScheduledJob").objects.get()
    assert job.name == "check-digests" and job.next_run_at == WHEN
    email = current_apps.get_model("mail.QueuedEmail").objects.get()
    assert email.address == "reader@example.com" and email.status == "queued"


def test_the_recorded_leaves_are_those_of_the_release_commit():
    root = Path(__file__).resolve().parents[4]
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", release_0_1_0.COMMIT, "src/dailypapers"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if listing.returncode != 0:
        pytest.skip("the release commit is not in this clone's history (shallow clone)")
    leaves: dict[str, str] = {}
    for path in listing.stdout.split():
        parts = Path(path).parts
        if len(parts) == 5 and parts[3] == "migrations" and parts[4][:4].isdigit():
            leaves[parts[2]] = max(leaves.get(parts[2], ""), Path(parts[4]).stem)
    labels = {"api": "dailypapers_api"}
    assert sorted((labels.get(app, app), name) for app, name in leaves.items()) == sorted(
        release_0_1_0.LEAVES
    )
