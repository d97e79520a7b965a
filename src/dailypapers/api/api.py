"""The NinjaAPI behind /api/: our /api/v1 and the Hugging Face-compatible routes.

Every operation is wrapped by ``conditional_read`` (ETag, Last-Modified, 304, CORS) and
every failure answers in the one error format (core/api_errors.py). Docs: /api/docs.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, reverse
from ninja import NinjaAPI

from dailypapers.api import hf, v1, v1_member, v1_search
from dailypapers.api.auth import identify_and_limit
from dailypapers.api.conditional import allow_any_origin, conditional_read
from dailypapers.core.api_errors import install_error_handlers, json_method_errors

DESCRIPTION = """\
JSON. Reads need no authentication, and any origin may call them (CORS). Writes (submit,
upvote, save to a collection) act as a member: send a personal API token, created on the
account settings page, as `Authorization: Bearer <token>`.

Requests are limited per minute: per token with one, per IP address without (429 with
`Retry-After` past the limit).

**/api/v1** is this site's own API. Lists return `items` and `next_cursor`; pass the cursor
back as `?cursor=` for the next page (a cursor is opaque, and only valid for the list and
sort that issued it). Reads carry `ETag` and `Last-Modified` and answer `304 Not Modified`
to `If-None-Match` / `If-Modified-Since`.

**/api/daily_papers**, **/api/papers** and **/api/papers/...** answer like huggingface.co, so
the `huggingface_hub` client works here: `HfApi(endpoint="<this site>").list_daily_papers()`
(and `list_papers`, `paper_info`; `read_paper` reads `/papers/{id}.md`). `/api/papers` pages
with `?cursor=`, the next page's address in the `Link` header.

Every error is `{"error": {"code": "...", "message": "..."}}` with a fitting HTTP status.
"""

api = NinjaAPI(
    title="dailypapers API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
)
install_error_handlers(api)
# Applied in order, so identify_and_limit runs first: a refused request costs no query.
api.add_decorator(conditional_read, mode="view")
api.add_decorator(identify_and_limit, mode="view")
# The routers under /papers/{id}/… come before v1's /papers/{id}, whose id takes slashes.
api.add_router("/v1", v1_search.router)
api.add_router("/v1", v1_member.router)
api.add_router("/v1", "dailypapers.api.v1_discovery.router")
api.add_router("/v1", v1.router)
api.add_router("", hf.router)


def api_index(request: HttpRequest) -> HttpResponse:
    """GET /api/: where the documentation is (Ninja's own root answers an HTML 404)."""
    response = JsonResponse(
        {
            "name": api.title,
            "docs": request.build_absolute_uri(reverse("api:openapi-view")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        }
    )
    return allow_any_origin(response)


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """``api.urls`` with wrong methods and CORS preflights answered in our format."""
    patterns, app_name, namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern, json_method_errors(pattern.callback), pattern.default_args,
                pattern.name,
            )  # fmt: skip
        wrapped.append(pattern)
    return wrapped, app_name, namespace
