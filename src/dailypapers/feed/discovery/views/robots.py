"""/robots.txt: crawlers are welcome on the feed, paper, author and category pages, and kept
off what only costs us work (search and API queries, exports, filter combinations) or is
private (accounts, admin, a member's pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ROBOTS_MAX_AGE = 24 * 3600

DISALLOWED = (
    "/admin/",
    "/accounts/",
    "/search/",  # every query string is a new page: unbounded
    "/api/",
    "/feeds/search/",
    "/submit/",
    "/for-you/",
    "/collections/",
    "/digests/",
    "/library/",
    "/*/bibtex",
    "/*/vote/",
    "/*/comments/",
    "/*?*sort=",  # the same papers in another order
    "/*?*category=",
    "/*?*code=",
)


@require_GET
@cache_control(public=True, max_age=ROBOTS_MAX_AGE)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
