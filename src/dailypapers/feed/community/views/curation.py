"""The curator's form on a paper page (services/curation.py holds the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dailypapers.feed.community.services.curation import curate, curation_context
from dailypapers.feed.forms import CurationForm
from dailypapers.feed.http import is_htmx, paper_or_404, paper_url, redirect_back, safe_next
from dailypapers.feed.models import Curation

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


@require_POST
@login_required
def curate_view(request: AuthenticatedHttpRequest, arxiv_id: str) -> HttpResponse:
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
