"""Curation: curators feature or hide a paper on one day's feed, or clear that decision."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from dailypapers.accounts.models import User
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
