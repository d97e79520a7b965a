"""Request helpers the feed's views share: htmx, safe redirects back, papers by id."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from dailypapers.accounts.models import User
from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.papers.models import Paper


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind login_required or verified_required receives.

    Only a type: Django never builds one. Those decorators turn anonymous callers away
    before the view runs, so ``user`` is always a member there (django-stubs' recipe).
    """

    user: User


def is_htmx(request: HttpRequest) -> bool:
    # htmx sends "HX-Request: true"; boosted and plain requests are answered with full pages.
    return request.headers.get("HX-Request") == "true"


def paper_or_404(arxiv_id: str) -> Paper:
    try:
        bare_id = normalize_id(arxiv_id)
    except InvalidArxivId:
        raise Http404("Not an arXiv id") from None
    return get_object_or_404(Paper, arxiv_id=bare_id)


def paper_url(paper: Paper) -> str:
    return reverse("feed:paper", args=[paper.arxiv_id])


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` the form carried when it points back into this site, else ``fallback``.

    Checked against our own host so a crafted form cannot bounce people to another site.
    """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def redirect_back(request: HttpRequest, fallback: str, anchor: str = "") -> HttpResponse:
    target = safe_next(request, fallback)
    if anchor and "#" not in target:
        target = f"{target}#{anchor}"
    return HttpResponseRedirect(target)
