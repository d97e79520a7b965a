"""Lists kept for callers without a token or session, like the signed-out feed pages.

The daily list, a day, trending and search results are the same for every anonymous
caller, so each is computed once per ANONYMOUS_PAGE_CACHE_SECONDS (a vote shows in a list
within that time, as on the pages) and replayed from the cache with its ETag and
Last-Modified: a replay costs one cache read, no query, no serialising, no digest.

As with the pages (dailypapers.feed.cache), one request computes a list at a time: shortly
before a stored list expires, the first request to see it computes it afresh while the
others keep getting the stored copy; with no copy stored, the requests that arrive while
one is computing wait for it instead of computing the same list beside it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from dailypapers.api.auth import is_personal
from dailypapers.api.conditional import validators

KEY_PREFIX = "api:list:"
REFRESH_AHEAD_SECONDS = 5.0  # at most a tenth of the lifetime
COMPUTE_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.005

View = Callable[..., HttpResponse]


def _replay(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"], content_type=stored["content_type"])
    response.api_validators = stored["validators"]  # type: ignore[attr-defined]
    response["X-Page-Cache"] = "hit"
    return response


def _claim(key: str) -> bool:
    """True for the one request that may compute this list now (add() succeeds once)."""
    return cache.add(key + ":computing", 1, COMPUTE_WAIT_SECONDS)


def _await(key: str) -> dict[str, Any] | None:
    deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        stored = cache.get(key)
        if stored is not None:
            return stored
        if cache.get(key + ":computing") is None:  # it ended without storing a list
            return None
    return None


def _store(request: HttpRequest, response: HttpResponse, key: str, seconds: int) -> None:
    found = validators(request, response)
    response.api_validators = found  # type: ignore[attr-defined]
    snapshot = {
        "content": response.content,
        "content_type": response["Content-Type"],
        "validators": found,
        "refresh_at": time.time() + seconds - min(REFRESH_AHEAD_SECONDS, seconds / 10),
    }
    cache.set(key, snapshot, seconds)
    response["X-Page-Cache"] = "miss"


def shared_read(run: View) -> View:
    """Keep this read's 200 answers for anonymous callers (``ninja.decorators.decorate_view``)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
        if seconds <= 0 or is_personal(request) or request.method not in ("GET", "HEAD"):
            return run(request, *args, **kwargs)
        path = request.get_full_path()
        key = KEY_PREFIX + hashlib.sha256(path.encode("utf-8")).hexdigest()
        stored = cache.get(key)
        if stored is not None:
            if time.time() < stored["refresh_at"] or not _claim(key):
                return _replay(stored)
            claimed = True
        else:
            claimed = _claim(key)
            if not claimed:
                stored = _await(key)
                if stored is not None:
                    return _replay(stored)
        try:
            response = run(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                _store(request, response, key, seconds)
        finally:
            if claimed:
                cache.delete(key + ":computing")
        return response

    return wrapper
