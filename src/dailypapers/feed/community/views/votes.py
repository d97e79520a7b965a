"""The vote button (services/votes.py holds the rules).

The form says what the button meant (``action=add`` or ``remove``), so a double-submitted
click never undoes itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.feed.community.services.votes import cast_vote, has_voted, withdraw_vote
from dailypapers.feed.http import is_htmx, paper_or_404, paper_url, redirect_back, safe_next

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


@require_POST
@verified_required
def vote(request: AuthenticatedHttpRequest, arxiv_id: str) -> HttpResponse:
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
        return render(request, "feed/community/includes/vote_button.html", context)
    return redirect_back(request, paper_url(paper))
