"""Upvotes: one per member and paper, counted exactly under concurrent clicks.

The database's unique constraint on (user, paper) is the only arbiter of "already voted":
two simultaneous votes by one person both try the INSERT and the loser gets an
IntegrityError, which we read as "already voted".
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from dailypapers.accounts.models import User
from dailypapers.feed.community.services.counters import bump
from dailypapers.feed.models import Vote
from dailypapers.papers.models import Paper


def cast_vote(user: User, paper: Paper) -> bool:
    """Record an upvote; False when this user had already voted for the paper."""
    with transaction.atomic():
        try:
            # The savepoint lets the outer transaction carry on after a refused INSERT.
            with transaction.atomic():
                Vote.objects.create(user=user, paper=paper)
        except IntegrityError:
            return False
        bump(paper.pk, "upvote_count", +1)
    return True


def withdraw_vote(user: User, paper: Paper) -> bool:
    """Take an upvote back; False when there was none."""
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(user=user, paper=paper).delete()
        if not deleted:
            return False
        bump(paper.pk, "upvote_count", -1)
    return True


def has_voted(user: User, paper: Paper) -> bool:
    return user.is_authenticated and Vote.objects.filter(user=user, paper=paper).exists()
