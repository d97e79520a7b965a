"""Whole-page caching for signed-out visitors of the busiest pages.

Most traffic is signed-out people reading the feed, and a feed page costs several queries;
for them the same HTML may be up to ``settings.ANONYMOUS_PAGE_CACHE_SECONDS`` old (a vote
shows to everyone within that time). Signed-in members are never served from or stored in
the cache, so a voter sees their vote at once.

A response is stored only when it is the same for every signed-out visitor: status 200, no
cookie set, no CSRF token used (a cached token would be handed to strangers), no session
change and no flash message shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

KEY_PREFIX = "feed:anon-page:"
# Headers worth replaying; cookies and hop-by-hop headers never are.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag")

View = Callable[..., HttpResponse]


def page_key(request: HttpRequest) -> str:
    # The full path includes the query string: ?sort=newest&page=2 is its own page.
    digest = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    return KEY_PREFIX + digest


def _seconds() -> int:
    return int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0))


def _has_pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    # len() loads the messages without marking them read, so they still show when rendered.
    return storage is not None and len(storage) > 0


def _request_may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or _seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not _has_pending_messages(request)


def _response_is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page rendered a CSRF token
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:  # a session cookie is about to be set
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or storage.added_new):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _snapshot(response: HttpResponse) -> dict[str, Any]:
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    return {"content": response.content, "headers": headers}


def _replay(snapshot: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(snapshot["content"])
    for name, value in snapshot["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def cache_for_anonymous(view: View) -> View:
    """Serve and store this view's page for signed-out visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _request_may_use_cache(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            return _replay(stored)
        response = view(request, *args, **kwargs)
        if _response_is_shareable(request, response):
            cache.set(key, _snapshot(response), _seconds())
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
