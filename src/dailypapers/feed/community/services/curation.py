"""Curation: curators feature or hide a paper on one day's feed, or clear that decision."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dailypapers.accounts.models import User
from dailypapers.feed.community.common import (
    is_htmx,
    paper_or_404,
    paper_url,
    redirect_back,
    safe_next,
)
from dailypapers.feed.forms import CurationForm
from dailypapers.feed.models import Curation
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import current_feed_day

RECENT = 5  # decisions shown beside the form


def curate(
    paper: Paper, day: date, state: str, curator: User | None, note: str = ""
) -> Curation | None:
    """Set (or with state "clear", remove) the decision for ``paper`` on ``day``."""
    if state == CurationForm.CLEAR:
        Curation.objects.filter(paper=paper, day=day).delete()
        return None
    # update_or_create relies on the (paper, day) unique constraint under races.
    curation, _ = Curation.objects.update_or_create(
        paper=paper, day=day, defaults={"state": state, "curator": curator, "note": note}
    )
    return curation


def curation_context(
    request: HttpRequest, paper: Paper, message: str = "", next_url: str = ""
) -> dict:
    recent = list(
        Curation.objects.filter(paper=paper).select_related("curator").order_by("-day")[:RECENT]
    )
    return {
        "paper": paper,
        "user": request.user,
        "request": request,
        "curations": recent,
        "today": current_feed_day(),  # the latest announcement day: where features show
        "curation_message": message,
        "curation_next": next_url or request.get_full_path(),  # the no-JS way back
    }


@require_POST
@login_required
def curate_view(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    if not request.user.is_curator:
        raise PermissionDenied("Only curators can feature or hide papers.")
    paper = paper_or_404(arxiv_id)
    form = CurationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Choose feature, hide or clear, and a day as YYYY-MM-DD.", content_type="text/plain"
        )
    day, state = form.cleaned_data["day"], form.cleaned_data["state"]
    curate(paper, day, state, request.user, form.cleaned_data["note"])
    done = {
        Curation.FEATURED: "Featured",
        Curation.HIDDEN: "Hidden",
        CurationForm.CLEAR: "Cleared the decision",
    }[state]
    message = f"{done} on {day:%d %b %Y}."
    if is_htmx(request):
        context = curation_context(request, paper, message, safe_next(request, paper_url(paper)))
        return render(request, "feed/community/curation_box.html", context)
    messages.success(request, message)
    return redirect_back(request, paper_url(paper))
