"""Lists kept for callers without a token or session, like the signed-out feed pages.

The daily list, a day, trending and search results are the same for every anonymous
caller, so each is computed once per ANONYMOUS_PAGE_CACHE_SECONDS (a vote shows in a list
within that time, as on the pages) and replayed from the cache with its ETag and
Last-Modified: a replay costs one cache read, no query, no serialising, no digest.

The pages' own machinery (``dailypapers.core.pagecache.one_at_a_time``) computes one list at a
time: shortly before a stored list expires, the first request to see it computes it afresh
while the others keep getting the stored copy; with no copy stored, the requests that
arrive while one is computing wait for it instead of computing the same list beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from dailypapers.api.auth import is_personal
from dailypapers.api.conditional import validators
from dailypapers.core.pagecache import one_at_a_time

KEY_PREFIX = "api:list:"

View = Callable[..., HttpResponse]


def _replay(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"], content_type=stored["content_type"])
    response.api_validators = stored["validators"]  # type: ignore[attr-defined]  # ours
    response["X-Page-Cache"] = "hit"
    return response


def shared_read(run: View) -> View:
    """Keep this read's 200 answers for anonymous callers (``ninja.decorators.decorate_view``)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
        if seconds <= 0 or is_personal(request) or request.method not in ("GET", "HEAD"):
            return run(request, *args, **kwargs)

        def keep(response: HttpResponse) -> dict[str, Any] | None:
            if response.status_code != 200 or response.streaming:
                return None
            found = validators(request, response)
            response.api_validators = found  # type: ignore[attr-defined]  # ours; conditional.py
            content_type = response["Content-Type"]
            return {"content": response.content, "content_type": content_type, "validators": found}

        path = request.get_full_path()
        key = KEY_PREFIX + hashlib.sha256(path.encode("utf-8")).hexdigest()
        return one_at_a_time(key, seconds, lambda: run(request, *args, **kwargs), keep, _replay)

    return wrapper
