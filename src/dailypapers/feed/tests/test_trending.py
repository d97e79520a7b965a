"""Stored trending scores: recounted from votes and comments, decaying with age."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Comment, Submission, Vote
from dailypapers.feed.trending import refresh_papers, refresh_recent
from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def paper(arxiv_id: str, day: date) -> Paper:
    return Paper.objects.create(
        arxiv_id=arxiv_id, title=arxiv_id, announced_on=day, content_hash="x"
    )


def users(n: int) -> list[User]:
    return [User.objects.create_user(f"u{i}@example.org", "pw-12345-long") for i in range(n)]


def test_score_is_recounted_from_votes_and_visible_comments():
    item = paper("2603.00001", date(2026, 3, 2))
    people = users(3)
    for person in people:
        Vote.objects.create(user=person, paper=item)
    Comment.objects.create(paper=item, author=people[0], body="a", body_html="a")
    Comment.objects.create(paper=item, author=people[1], body="b", body_html="b", is_hidden=True)
    Paper.objects.filter(pk=item.pk).update(upvote_count=99)  # drifted counter
    refresh_papers([item.pk], NOW)
    item.refresh_from_db()
    assert (item.upvote_count, item.comment_count) == (3, 1)
    # entered the feed at midnight: 12 hours old, 3 votes + 0.5 for one comment
    assert item.trending_score == pytest.approx(3.5 / (12 + 2) ** 1.5)


def test_a_later_submission_restarts_the_age_clock():
    item = paper("2603.00002", date(2026, 2, 20))
    person = users(1)[0]
    Submission.objects.create(
        paper=item, submitted_by=person, submitted_at=NOW - timedelta(hours=1), feed_day=NOW.date()
    )
    refresh_papers([item.pk], NOW)
    item.refresh_from_db()
    assert item.trending_score == pytest.approx(1.0 / (1 + 2) ** 1.5)


def test_papers_older_than_the_window_fall_out_of_trending():
    item = paper("2501.00003", date(2025, 1, 6))
    Vote.objects.create(user=users(1)[0], paper=item)
    Paper.objects.filter(pk=item.pk).update(trending_score=5.0, upvote_count=1)
    assert refresh_recent(NOW) == 1
    item.refresh_from_db()
    assert item.trending_score == 0.0


def test_trending_order_prefers_recent_activity():
    fresh = paper("2603.00004", date(2026, 3, 2))
    old = paper("2602.00005", date(2026, 2, 27))
    people = users(6)
    for person in people[:2]:
        Vote.objects.create(user=person, paper=fresh)
    for person in people:
        Vote.objects.create(user=person, paper=old)
    refresh_recent(NOW)
    ranked = list(Paper.objects.order_by("-trending_score").values_list("arxiv_id", flat=True))
    assert ranked == ["2603.00004", "2602.00005"]
