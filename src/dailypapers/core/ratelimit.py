"""Fixed-window rate limits kept in the cache, shared by every process.

The cache is Redis when configured, else files under DATA_DIR (dailypapers.core.filecache);
both make ``add`` and ``incr`` atomic across processes, so two workers count together.
``hit`` counts one attempt and says whether it is still within the limit; views answer
429 with a page that says when to try again. When the cache itself fails (Redis down),
limits fail open with a log line: sign-in, sign-up and comments keep working, unlimited,
rather than answer 500.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The address attempts are counted against.

    Behind a reverse proxy (BEHIND_PROXY, which sets SECURE_PROXY_SSL_HEADER) every request
    comes from the proxy, so the last X-Forwarded-For hop, the one the proxy appended, is
    the client; earlier hops are whatever the client chose to send. IPv6 clients are counted
    per /64, since one host can hand itself any address in its /64.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last_hop = forwarded.rsplit(",", 1)[-1].strip()
        if last_hop:
            address = last_hop
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def key_part(value: str) -> str:
    """A short, cache-safe stand-in for free text (an email address) inside a limit key."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; False once more than ``limit`` fall in this window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    try:
        return _count(cache_key, window_seconds) <= limit
    except Exception:  # the cache is down: let the attempt through, and say so
        logger.warning(
            "rate limit %s not counted: the cache failed", key.split(":")[0], exc_info=True
        )
        return True


def _count(cache_key: str, window_seconds: int) -> int:
    """This window's count after one more; add() then incr(), each atomic in the cache."""
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        return 1


LOGIN_WINDOW_SECONDS = 15 * 60


def login_attempt_allowed(request: HttpRequest, email: str) -> bool:
    """Count one log-in attempt against the address and the IP, the site's and the admin's.

    Both are counted before either is checked, so every attempt is counted everywhere; past
    LOGIN_ATTEMPTS_PER_15_MIN on either, even the right password is refused.
    """
    limit = settings.LOGIN_ATTEMPTS_PER_15_MIN
    ip_ok = hit(f"login:ip:{client_ip(request)}", limit, LOGIN_WINDOW_SECONDS)
    email_ok = not email or hit(f"login:email:{key_part(email)}", limit, LOGIN_WINDOW_SECONDS)
    return ip_ok and email_ok


def retry_after(window_seconds: int) -> int:
    return window_seconds - int(time.time()) % window_seconds


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"about {minutes} minutes"


def too_many_requests(request: HttpRequest, window_seconds: int, what: str) -> HttpResponse:
    """429 page; ``what`` completes "You have … too often", e.g. "tried to log in"."""
    wait = retry_after(window_seconds)
    context = {"what": what, "wait_seconds": wait, "wait_text": _in_words(wait)}
    body = render_to_string("core/too_many_requests.html", context, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(wait)
    return response
