"""The site's own pages for requests it refuses, in the site's layout: a failed CSRF check
(403), a bad request (400) and an address too long to serve (414).

Django renders 400.html without the request, so the page would lose the site's name and
header; ``bad_request`` renders it with the request like the 403 and 404 pages.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: say what happened in words, not Django's technical page."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def uri_too_long(request: HttpRequest, limit: int) -> HttpResponse:
    return render(request, "414.html", {"uri_limit": f"{limit:,}"}, status=414)
