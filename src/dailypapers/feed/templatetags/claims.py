"""Template tags of author claims: the approved claimant beside an author's name, and the
claim box of the paper page (feed/community/_author_claims.html includes both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from dailypapers.accounts.models import User
from dailypapers.feed.community.services.claimed_authors import (
    NamedAuthor,
    claimant_link,
    claimants_by_author,
)
from dailypapers.feed.models import AuthorClaim
from dailypapers.papers.models import Paper

register = template.Library()


@register.simple_tag
def claimants_of(paper: Paper, authors: Sequence[NamedAuthor] | None) -> dict[int, User]:
    """The approved claimant of each author row shown, by author id (one query)."""
    return claimants_by_author(paper, list(authors or []))


@register.filter
def claimed_by(author: NamedAuthor, claimants: dict[int, User] | str) -> str:
    """A link to the profile of the member who is this author; "" when nobody is."""
    return claimant_link(author, claimants if isinstance(claimants, dict) else {})


@register.inclusion_tag("feed/community/includes/claim_box.html", takes_context=True)
def claim_box(context: template.Context, paper: Paper) -> dict[str, Any]:
    """The claim form and the viewer's own claims on this paper."""
    request = context.get("request")
    user = getattr(request, "user", None)
    mine: list[AuthorClaim] = []
    if user is not None and user.is_authenticated:
        mine = list(
            AuthorClaim.objects.filter(paper=paper, member=user).live().order_by("position")
        )
    return {
        "paper": paper,
        "user": user,
        "request": request,
        "my_claims": mine,
        "can_claim": not mine,
        "author_choices": list(enumerate(paper.author_names)),
        "csrf_token": context.get("csrf_token"),
    }
