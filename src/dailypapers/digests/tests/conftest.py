"""Digest test helpers: a few papers of our own, subscribers, and mail settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from django.utils import timezone

from dailypapers.digests.models import Subscriber
from dailypapers.digests.sending import _RunCache
from dailypapers.papers.models import Paper, PaperCategory

DAY = date(2026, 3, 4)  # a Wednesday announcement day
_numbers = count(1)


def make_paper(
    day: date = DAY, *, score: float = 1.0, categories: str = "cs.LG", **fields
) -> Paper:
    number = next(_numbers)
    defaults = {
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
    defaults.update(fields)
    paper = Paper.objects.create(**defaults)
    PaperCategory.objects.bulk_create(
        [PaperCategory(paper=paper, category=c, announced_on=day) for c in categories.split()]
    )
    return paper


def make_subscriber(email: str, *, due: datetime | None = None, **fields) -> Subscriber:
    now = timezone.now()
    defaults = {
        "confirmed_at": now - timedelta(days=1),
        "next_due_at": due or now - timedelta(minutes=1),
    }
    defaults.update(fields)
    return Subscriber.objects.create(email=email, **defaults)


@pytest.fixture(autouse=True)
def digest_settings(settings):
    settings.SITE_URL = "http://testserver"
    settings.SITE_NAME = "dailypapers"
    settings.DIGEST_FROM_EMAIL = "dailypapers <digest@example.org>"
    settings.DIGEST_OPERATOR_NAME = "Example Papers Ltd"
    settings.DIGEST_POSTAL_ADDRESS = "1 Test Street, Testville"
    settings.DIGEST_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    settings.DIGEST_RETRY_SECONDS = 60.0
    settings.DIGEST_DKIM_KEY_FILE = ""
    _RunCache.clear()
    yield
    _RunCache.clear()
    from dailypapers.digests import smtp

    smtp.mailer().close_quietly()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


NOW = datetime(2026, 3, 4, 8, 0, 30, tzinfo=UTC)
