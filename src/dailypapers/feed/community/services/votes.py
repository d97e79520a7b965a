"""Upvotes: one per member and paper, counted exactly under concurrent clicks.

The database's unique constraint on (user, paper) is the only arbiter of "already voted":
two simultaneous votes by one person both try the INSERT and the loser gets an
IntegrityError, which we read as "already voted". The form says what the button meant
(``action=add`` or ``remove``), so a double-submitted click never undoes itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.accounts.models import User
from dailypapers.feed.community.common import (
    bump,
    is_htmx,
    paper_or_404,
    paper_url,
    redirect_back,
    safe_next,
)
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


def voted_paper_ids(user: User, paper_ids: Iterable[int]) -> set[int]:
    """Which of these papers the user upvoted: one query for a whole list page."""
    if not user.is_authenticated:
        return set()
    return set(
        Vote.objects.filter(user=user, paper_id__in=list(paper_ids)).values_list(
            "paper_id", flat=True
        )
    )


@require_POST
@verified_required
def vote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Toggle the member's upvote; htmx gets the new button, a plain form goes back."""
    paper = paper_or_404(arxiv_id)
    action = request.POST.get("action", "")
    if action not in ("add", "remove"):
        # A form without an explicit action toggles from what is stored now.
        action = "remove" if has_voted(request.user, paper) else "add"
    if action == "add":
        cast_vote(request.user, paper)
    else:
        withdraw_vote(request.user, paper)
    if is_htmx(request):
        paper.refresh_from_db(fields=["upvote_count"])
        context = {
            "paper": paper,
            "voted": action == "add",
            "vote_next": safe_next(request, paper_url(paper)),
        }
        return render(request, "feed/includes/vote_button.html", context)
    return redirect_back(request, paper_url(paper))
