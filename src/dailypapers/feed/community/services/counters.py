"""The paper counters that votes and comments move."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Greatest

from dailypapers.feed.trending import refresh_papers
from dailypapers.papers.models import Paper


def bump(paper_id: int, counter: str, delta: int) -> None:
    """Move a Paper counter by ``delta`` in SQL, then recount it and the trending score.

    Called inside the transaction that changed the votes or comments: the UPDATE takes the
    paper's row lock, so concurrent changes to one paper queue up behind it and the
    recount in ``refresh_papers`` always sees every committed change (no lost update from
    two recounts finishing in the wrong order). Greatest() keeps a drifted counter from
    going below zero, which PostgreSQL's check on a PositiveIntegerField would refuse.
    """
    Paper.objects.filter(pk=paper_id).update(**{counter: Greatest(F(counter) + delta, 0)})
    refresh_papers([paper_id])
