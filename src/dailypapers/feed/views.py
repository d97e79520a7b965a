"""The minimal reading pages: the latest announcement day, any day, and a paper."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.papers.models import Paper

PAGE_SIZE = 50
LIST_FIELDS = (
    "arxiv_id", "title", "abstract", "author_names", "primary_category", "categories",
    "code_links", "announced_on",
)  # fmt: skip


def _neighbours(day: date) -> tuple[date | None, date | None]:
    days = Paper.objects.exclude(announced_on=None)
    previous = days.filter(announced_on__lt=day).aggregate(d=Max("announced_on"))["d"]
    following = (
        days.filter(announced_on__gt=day).order_by("announced_on").values_list(
            "announced_on", flat=True
        ).first()
    )
    return previous, following


def _day_page(request: HttpRequest, day: date | None) -> HttpResponse:
    papers = Paper.objects.none()
    previous = following = None
    if day is not None:
        papers = Paper.objects.filter(announced_on=day).only(*LIST_FIELDS).order_by("arxiv_id")
        previous, following = _neighbours(day)
    page = Paginator(papers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feed/day.html",
        {"day": day, "page": page, "previous_day": previous, "next_day": following},
    )


def latest_day(request: HttpRequest) -> HttpResponse:
    latest = Paper.objects.aggregate(d=Max("announced_on"))["d"]
    return _day_page(request, latest)


def day(request: HttpRequest, year: int, month: int, day_of_month: int) -> HttpResponse:
    try:
        wanted = date(year, month, day_of_month)
    except ValueError:
        raise Http404("No such date") from None
    return _day_page(request, wanted)


def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    try:
        bare_id = normalize_id(arxiv_id)
    except InvalidArxivId:
        raise Http404("Not an arXiv id") from None
    found = get_object_or_404(Paper, arxiv_id=bare_id)
    authors = [link.author for link in found.authorships.select_related("author")]
    return render(request, "feed/paper.html", {"paper": found, "authors": authors})
