"""Conditional GET and CORS for the read endpoints.

Every successful read carries an ETag (a digest of the exact body) and a Last-Modified date,
and answers 304 Not Modified to a client that already holds that body. Both validators come
from the body itself rather than from model timestamps, because the numbers a response shows
(upvotes, comments, trending) change through ``update()`` calls that touch no timestamp.

Last-Modified is the time this server first served the current body of the address: kept in
the cache as (etag, since) per address. A changed body is a new etag and so a new, later
date; a lost cache entry only makes the date later, never earlier. A date can therefore never
claim "not modified" for a body the client has not seen.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from dailypapers.api.auth import is_personal
from dailypapers.core.cache_guard import cache_get, cache_set

KEY_PREFIX = "api:representation:"
REPRESENTATION_SECONDS = 7 * 24 * 3600  # how long the first-served date of a body is kept
EXPOSED_HEADERS = "ETag, Last-Modified"  # what cross-origin scripts may read
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
)  # fmt: skip
# The answer at an address differs with these (a token or a session makes it personal).
CREDENTIAL_HEADERS = ("Authorization", "Cookie")

View = Callable[..., HttpResponse]


def allow_any_origin(response: HttpResponse) -> HttpResponse:
    """Public reads: any site's scripts may fetch them (nothing here depends on cookies)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def body_etag(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def representation_since(address: str, etag: str, now: float | None = None) -> int:
    """When this server first served ``etag`` at ``address`` (whole seconds since the epoch).

    A new body gets a date strictly after the previous body's: HTTP dates have one-second
    resolution, and a client that fetched the old body in the same second must not be told
    that nothing changed since.
    """
    key = KEY_PREFIX + hashlib.sha256(address.encode("utf-8")).hexdigest()
    stored = cache_get(key)  # None when the cache is down: the date is now, never earlier
    if stored is not None and stored[0] == etag:
        return int(stored[1])
    since = int(now if now is not None else time.time())
    if stored is not None:
        since = max(since, int(stored[1]) + 1)
    cache_set(key, (etag, since), REPRESENTATION_SECONDS)
    return since


def validators(request: HttpRequest, response: HttpResponse) -> tuple[str, int]:
    """The ETag and Last-Modified (epoch seconds) of a response's body at this address."""
    known = getattr(response, "api_validators", None)  # a replayed list carries its own
    if known is not None:
        return known
    etag = body_etag(response.content)
    return etag, representation_since(request.get_full_path(), etag)


def with_validators(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add ETag, Last-Modified and Cache-Control; 304 when the client's copy is current."""
    etag, since = validators(request, response)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(since)
    if is_personal(request):
        # A member's token or session may change the answer ("For you"): theirs alone.
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, CREDENTIAL_HEADERS)
    else:
        # The public copy varies too: else a shared cache would hand it to a token holder
        # or a signed-in member, whose answer at this address may differ.
        if response.has_header("Vary"):
            patch_vary_headers(response, CREDENTIAL_HEADERS)
        else:
            response["Vary"] = ", ".join(CREDENTIAL_HEADERS)  # set whole, as below
        if response.has_header("Cache-Control"):
            patch_cache_control(
                response, public=True, max_age=settings.ANONYMOUS_PAGE_CACHE_SECONDS
            )
        else:
            # Like the signed-out pages: shared caches may keep a read as long as the page
            # cache does. (Set whole: patching costs as much as a cached answer's other work.)
            response["Cache-Control"] = f"public, max-age={settings.ANONYMOUS_PAGE_CACHE_SECONDS}"
    if not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response  # nothing to compare with
    answer = get_conditional_response(request, etag=etag, last_modified=since, response=response)
    # Given a response, Django answers it or a 304/412, never None (the stub's None is for
    # calls without one).
    return answer if answer is not None else response


def conditional_read(run: View) -> View:
    """Wrap a read operation: validators and 304 on success, CORS on every GET answer."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200 and not response.streaming:
            response = with_validators(request, response)
        return allow_any_origin(response)

    return wrapper
