"""Author claims: the claim and withdraw forms of the paper page, and the curators' queue
(services/claims.py holds the rules). Plain forms, POST with CSRF; no JavaScript needed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_required
from dailypapers.feed.community.services.claims import (
    ClaimRefused,
    can_decide,
    claim_author,
    decide,
    pending_claims,
    withdraw,
)
from dailypapers.feed.http import paper_or_404, paper_url, redirect_back
from dailypapers.feed.models import AuthorClaim

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest

QUEUE_LIMIT = 200  # claims shown at once in the curators' queue, oldest first


def curators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Curators and staff; others are asked to log in, or told there is nothing here (a
    404, as core/staff.py answers for staff pages)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_decide(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@verified_required
def claim_create(request: AuthenticatedHttpRequest, arxiv_id: str) -> HttpResponse:
    paper = paper_or_404(arxiv_id)
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        position = -1
    try:
        claim = claim_author(request.user, paper, position)
    except ClaimRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Your claim to be {claim.name} is waiting for a curator's approval."
        )
    return redirect_back(request, paper_url(paper), anchor="authors-claims")


@require_POST
@verified_required
def claim_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        claim = withdraw(pk, request.user)
    except AuthorClaim.DoesNotExist:
        raise Http404("No such claim of yours.") from None
    messages.success(request, f"You withdrew your claim to be {claim.name}.")
    return redirect_back(request, paper_url(claim.paper), anchor="authors-claims")


@curators_only
def claim_queue(request: HttpRequest) -> HttpResponse:
    claims = pending_claims()
    context = {"claims": list(claims[:QUEUE_LIMIT]), "total": claims.count()}
    return render(request, "feed/community/claim_queue.html", context)


@require_POST
@curators_only
def claim_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in ("approve", "reject"):
        return HttpResponse("Choose approve or reject.", status=400, content_type="text/plain")
    if not AuthorClaim.objects.filter(pk=pk).exists():
        raise Http404("No such claim.")
    try:
        claim = decide(pk, request.user, approve=action == "approve")
    except ClaimRefused as refused:
        messages.error(request, str(refused))
    else:
        done = "Approved" if claim.status == AuthorClaim.APPROVED else "Rejected"
        messages.success(
            request,
            f"{done}: {claim.member.public_name} (@{claim.member.handle}) as {claim.name} "
            f"on {claim.paper.arxiv_id}.",
        )
    return redirect("community:claim_queue")
