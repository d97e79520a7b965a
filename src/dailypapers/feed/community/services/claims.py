"""Author claims: a member claims an author name of a paper, a curator decides.

The rules (AuthorClaim in feed/models.py holds the states):

1. A verified member claims one author slot of a paper (``position`` in
   ``paper.author_names``). A member has one live (pending or approved) claim per paper,
   and a slot one approved claim: the database's partial unique indexes decide both, an
   ``IntegrityError`` read as "already claimed". A claim a curator rejected is not made
   again by the same member for the same slot.
2. Curators (and staff) approve or reject a pending claim, never their own; a conditional
   UPDATE from "pending" makes two curators' clicks decide once.
3. The member withdraws their own claim, pending or approved.

A decision or withdrawal that changes what the paper page shows touches the paper's
``changed_at``, so the cached paper page (keyed on the paper's columns) shows it at once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.feed.models import AuthorClaim, AuthorClaimQuerySet
from dailypapers.lib.authors import author_key
from dailypapers.papers.models import Author, Paper


class ClaimRefused(Exception):
    """Why a claim, decision or withdrawal was not made, in a sentence for the member."""


def can_decide(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_curator or user.is_staff))


def _touch(paper_id: int) -> None:
    Paper.objects.filter(pk=paper_id).update(changed_at=timezone.now())


def author_row(paper: Paper, name: str) -> Author | None:
    """The author page of this name on this paper, when the paper has author rows."""
    return Author.objects.filter(authorships__paper=paper, key=author_key(name)).first()


def claim_author(member: User, paper: Paper, position: int) -> AuthorClaim:
    """A pending claim by ``member`` of the author at ``position`` of ``paper``."""
    names = paper.author_names
    if not 0 <= position < len(names):
        raise ClaimRefused("This paper has no such author.")
    name = names[position]
    slot = AuthorClaim.objects.filter(paper=paper, position=position)
    if slot.approved().exists():
        raise ClaimRefused(f"{name} is already claimed by another member.")
    if slot.filter(member=member, status=AuthorClaim.REJECTED).exists():
        raise ClaimRefused(f"A curator turned down your claim to be {name} on this paper.")
    author = author_row(paper, name)
    try:
        with transaction.atomic():
            return AuthorClaim.objects.create(
                paper=paper, position=position, name=name, author=author, member=member
            )
    except IntegrityError:
        raise ClaimRefused("You already claim an author of this paper.") from None


def decide(claim_id: int, curator: User, approve: bool) -> AuthorClaim:
    """Approve or reject a pending claim; refused when it is no longer pending, or when
    another claim of the slot was approved first."""
    if not can_decide(curator):
        raise ClaimRefused("Only curators decide claims.")
    if AuthorClaim.objects.filter(pk=claim_id, member=curator).exists():
        raise ClaimRefused("Another curator decides your own claims.")
    state = AuthorClaim.APPROVED if approve else AuthorClaim.REJECTED
    try:
        with transaction.atomic():
            changed = AuthorClaim.objects.filter(pk=claim_id, status=AuthorClaim.PENDING).update(
                status=state, decided_at=timezone.now(), decided_by=curator
            )
    except IntegrityError:
        raise ClaimRefused("Another claim of this author was approved first.") from None
    claim = AuthorClaim.objects.select_related("paper", "member").get(pk=claim_id)
    if not changed:
        raise ClaimRefused(f"This claim was already {claim.get_status_display().lower()}.")
    if approve:
        _touch(claim.paper_id)
    return claim


def withdraw(claim_id: int, member: User) -> AuthorClaim:
    """The member takes back their own live claim. Anyone else's claim is "not found", so
    ids say nothing about other people's claims."""
    claim = AuthorClaim.objects.filter(pk=claim_id, member=member).live().first()
    if claim is None:
        raise AuthorClaim.DoesNotExist
    changed = AuthorClaim.objects.filter(pk=claim.pk, status=claim.status).update(
        status=AuthorClaim.WITHDRAWN, decided_at=timezone.now(), decided_by=member
    )
    if changed and claim.status == AuthorClaim.APPROVED:
        _touch(claim.paper_id)
    claim.status = AuthorClaim.WITHDRAWN
    return claim


def pending_claims() -> AuthorClaimQuerySet:
    """The curators' queue, oldest first."""
    return (
        AuthorClaim.objects.pending()
        .select_related("paper", "member")
        .only(
            "position", "name", "created_at", "status",
            "paper__arxiv_id", "paper__title", "paper__author_names",
            "member__handle", "member__display_name", "member__email_verified_at",
        )
        .order_by("created_at", "pk")
    )  # fmt: skip
