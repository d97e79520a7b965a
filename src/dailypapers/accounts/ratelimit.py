"""Fixed-window rate limits kept in the cache (local memory, or Redis when configured).

``hit`` counts one attempt and says whether it is still within the limit; views answer
429 with a page that says when to try again.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; False once more than ``limit`` fall in this window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        return True
    return count <= limit


def retry_after(window_seconds: int) -> int:
    return window_seconds - int(time.time()) % window_seconds


def too_many_requests(request: HttpRequest, window_seconds: int, what: str) -> HttpResponse:
    wait = retry_after(window_seconds)
    body = render_to_string(
        "accounts/too_many_requests.html", {"what": what, "wait_seconds": wait}, request=request
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    return response
