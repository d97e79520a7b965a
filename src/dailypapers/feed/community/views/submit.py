"""The submit page (services/submit.py fetches and stores the paper)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dailypapers.accounts.decorators import verified_required
from dailypapers.feed.community.services.submit import SubmitError, submissions_left, submit_paper
from dailypapers.feed.forms import SubmitForm
from dailypapers.feed.http import paper_url

if TYPE_CHECKING:
    # Only a type: see its docstring.
    from dailypapers.feed.http import AuthenticatedHttpRequest


@verified_required
def submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None)
    context = {"form": form, "left": submissions_left(request.user), "existing": None}
    if request.method != "POST":
        return render(request, "feed/community/submit.html", context)
    if not form.is_valid():
        return render(request, "feed/community/submit.html", context, status=400)
    try:
        outcome = submit_paper(request.user, form.cleaned_data["arxiv_id"])
    except SubmitError as error:
        context.update(error=str(error), existing=error.existing)
        return render(request, "feed/community/submit.html", context, status=error.status)
    paper = outcome.submission.paper
    day = outcome.submission.feed_day
    messages.success(
        request, f"Thank you: “{paper.title}” is on the feed of {day:%A} {day.day} {day:%B %Y}."
    )
    return redirect(paper_url(paper))
