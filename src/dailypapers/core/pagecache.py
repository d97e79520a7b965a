"""Whole-page caching for signed-out visitors of the busiest pages.

Most traffic is signed-out people reading the feed, and a feed page costs several queries;
for them the same HTML may be up to ``settings.ANONYMOUS_PAGE_CACHE_SECONDS`` old (a vote
shows to everyone within that time). Signed-in members are never served from or stored in
the cache, so a voter sees their vote at once.

A response is stored only when it is the same for every signed-out visitor: status 200, no
cookie set, no CSRF token used (a cached token would be handed to strangers), no session
change and no flash message shown.

Pages that must show a change to one object at once (the paper page) pass a ``version``, a
digest of the rows they show: a changed row is a new key, so only what the page derives from
other rows (its related papers, say) may be up to the lifetime old.

One request renders a page at a time (feed pages take ~75 ms of CPU on the 2-core
reference machine; see bench/web.py). Shortly before a stored page expires, the first
request to see it renders it afresh while the others keep getting the stored copy, which is
still within its lifetime; and when no copy is stored, the requests that arrive while one is
rendering wait for it rather than render the same page beside it. Without that, every
thread asking when a page expired or after a restart rendered it at once, sharing the CPU,
and those requests made the slowest percentile.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from dailypapers.core.cache_guard import cache_add, cache_delete, cache_get, cache_set
from dailypapers.core.metrics import PAGE_CACHE

KEY_PREFIX = "feed:anon-page:"
# Headers worth replaying; cookies and hop-by-hop headers never are.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Robots-Tag")
# Re-render a page this long before it expires (at most a tenth of the lifetime).
REFRESH_AHEAD_SECONDS = 5.0
# The longest a request waits for another one rendering the same page, and how often it looks.
RENDER_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.005

View = Callable[..., HttpResponse]


def page_key(request: HttpRequest, version: str = "") -> str:
    # The full path includes the query string: ?sort=newest&page=2 is its own page.
    text = request.get_full_path() + ("\n" + version if version else "")
    return KEY_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def _claim_render(key: str) -> bool | None:
    """True for the one request that may render this page now (add() succeeds once); None
    when the cache is unreachable.

    The marker lapses on its own should that request die; a request that claimed it deletes
    it when done.
    """
    return cache_add(key + ":render", 1, RENDER_WAIT_SECONDS)


def _await_render(key: str) -> dict[str, Any] | None:
    """Wait while another request renders this page: its copy, or None to render it here."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        stored: dict[str, Any] | None = cache_get(key)
        if stored is not None:
            return stored
        if cache_get(key + ":render") is None:  # it ended without storing a page
            return None
    return None


def one_at_a_time(
    key: str,
    seconds: int,
    compute: Callable[[], HttpResponse],
    keep: Callable[[HttpResponse], dict[str, Any] | None],
    replay: Callable[[dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """The answer stored under ``key``, else ``compute()``, one request at a time.

    ``keep`` turns a fresh response into the snapshot to store (None: store nothing) and
    ``replay`` a snapshot back into a response. See the module docstring for the refresh
    ahead of expiry and the wait for a request already computing the same answer; the API's
    anonymous lists (api/list_cache.py) use the same machinery. With the cache down, every
    request computes its answer (cache_guard.py logs it).
    """
    claimed: bool | None
    stored: dict[str, Any] | None = cache_get(key)
    if stored is not None:
        # Still within its lifetime: replay it, unless it is time to refresh and this
        # request is the one to do it.
        if time.time() < stored.get("refresh_at", float("inf")) or not _claim_render(key):
            PAGE_CACHE.labels("hit").inc()
            return replay(stored)
        claimed = True
    else:
        claimed = _claim_render(key)
        if claimed is None:  # the cache is unreachable: nothing to store or wait for
            PAGE_CACHE.labels("miss").inc()
            return compute()
        if not claimed:
            stored = _await_render(key)
            if stored is not None:
                PAGE_CACHE.labels("hit").inc()
                return replay(stored)
    PAGE_CACHE.labels("miss").inc()
    try:
        response = compute()
        snapshot = keep(response)
        if snapshot is not None:
            snapshot["refresh_at"] = (
                time.time() + seconds - min(REFRESH_AHEAD_SECONDS, seconds / 10)
            )
            cache_set(key, snapshot, seconds)
            response["X-Page-Cache"] = "miss"
    finally:
        if claimed:
            cache_delete(key + ":render")
    return response


def cached_page(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    version: str | Callable[[], str | None] = "",
) -> HttpResponse:
    """The stored page for a signed-out visitor, else ``render()``, stored when shareable.

    ``version`` may be a function, called only when the cache applies; when it returns None
    (the object is gone) the page is rendered, not cached.
    """
    if not _request_may_use_cache(request):
        return render()
    key_version = version() if callable(version) else version
    if key_version is None:
        return render()

    def keep(response: HttpResponse) -> dict[str, Any] | None:
        return _snapshot(response) if _response_is_shareable(request, response) else None

    return one_at_a_time(page_key(request, key_version), _seconds(), render, keep, _replay)


def cache_for_anonymous(view: View) -> View:
    """Serve and store this view's page for signed-out visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return cached_page(request, lambda: view(request, *args, **kwargs))

    return wrapper
