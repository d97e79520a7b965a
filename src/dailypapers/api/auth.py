"""Who is calling the API, and how often they may.

Every operation first goes through ``identify_and_limit``: a request that presents one of our
tokens (``Authorization: Bearer dp_…``) is counted against that token, any other against its
IP address, each with its own per-minute limit; past it the answer is 429 with Retry-After.
A token of ours that is unknown or revoked is refused with 401 on reads too, so a script
learns at once that its token stopped working. Tokens of other services (a Hugging Face
token sent along by its client) are ignored on reads.

Writes need a member (``auth=MEMBER``): a token, or the site's session plus its CSRF token,
so a page on another site cannot make a signed-in browser vote.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from dailypapers.accounts.models import User
from dailypapers.api.models import ApiToken
from dailypapers.api.tokens import find_token, looks_like_ours
from dailypapers.core.api_errors import ApiError, error_response
from dailypapers.core.cache_guard import report_cache_error
from dailypapers.core.ratelimit import client_ip, hit, retry_after

WINDOW_SECONDS = 60
View = Callable[..., HttpResponse]


def presented_token(request: HttpRequest) -> str | None:
    # META, not request.headers: building the headers mapping costs more than the rest of
    # a cached API answer.
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _refused_token(token: ApiToken | None) -> HttpResponse:
    if token is not None and not token.is_active:
        message = "This API token was revoked. Create a new one on your settings page."
        code = "token_revoked"
    else:
        message = "This API token is not valid. Check that it was copied whole."
        code = "invalid_token"
    response = error_response(401, code, message)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _too_many(limit: int) -> HttpResponse:
    response = error_response(
        429,
        "rate_limited",
        f"More than {limit} requests in a minute. Wait for the time in Retry-After.",
    )
    response["Retry-After"] = str(retry_after(WINDOW_SECONDS))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _within(key: str, limit: int) -> bool:
    """Count one request under ``key`` in this minute; False past ``limit`` (0: no limit).

    The same fixed window as core.ratelimit.hit, counted with incr() first: every API
    request passes here, and an existing counter then costs one cache operation, not two.
    """
    if limit <= 0:
        return True
    cache_key = f"ratelimit:{key}:{int(time.time() // WINDOW_SECONDS)}"
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # the first request of this window
        return hit(key, limit, WINDOW_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the cache is down: serve, uncounted
        report_cache_error("incr", exc)
        return True


@lru_cache(maxsize=4096)
def _address(remote_addr: str, forwarded_for: str, behind_proxy: bool) -> str:
    # client_ip parses the address (IPv6 clients count per /64); a busy client asks for the
    # same answer thousands of times a minute.
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": remote_addr, "HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_ip(request)


def _ip_key(request: HttpRequest) -> str:
    meta = request.META
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "") if behind_proxy else ""
    return "api:ip:" + _address(meta.get("REMOTE_ADDR", ""), forwarded, behind_proxy)


def identify_and_limit(view: View) -> View:
    """Wrap an API operation: check a presented token, then count the request."""

    @wraps(view)  # keeps Ninja's csrf_exempt marker
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]  # ours; not on HttpRequest
        raw = presented_token(request)
        if raw is not None and looks_like_ours(raw):
            token = find_token(raw)
            if token is None or not token.is_active or not token.user.is_active:
                # Guesses count against the address they come from.
                ip_limit = settings.API_RATE_PER_MINUTE_IP
                if not _within(_ip_key(request), ip_limit):
                    return _too_many(ip_limit)
                return _refused_token(token)
            request.api_token = token  # type: ignore[attr-defined]  # ours; not on HttpRequest
            limit, key = settings.API_RATE_PER_MINUTE_TOKEN, f"api:token:{token.pk}"
        else:
            limit, key = settings.API_RATE_PER_MINUTE_IP, _ip_key(request)
        if not _within(key, limit):
            return _too_many(limit)
        return view(request, *args, **kwargs)

    return wrapper


def token_member(request: HttpRequest) -> User | None:
    token: ApiToken | None = getattr(request, "api_token", None)
    return token.user if token is not None else None


def member_of(request: HttpRequest) -> User | None:
    """The member behind a read, for personal lists: their token, else their session."""
    member = token_member(request)
    if member is not None:
        return member
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def is_personal(request: HttpRequest) -> bool:
    """The request may be answered for one member: no shared cache may keep the answer."""
    return (
        getattr(request, "api_token", None) is not None
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )


class TokenAuth(HttpBearer):
    """A personal API token, already checked by ``identify_and_limit``."""

    def __call__(self, request: HttpRequest) -> User | None:
        return token_member(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return token_member(request)  # not reached: __call__ answers


class SiteSession(APIKeyCookie):
    """The site's own session, for its pages' scripts; needs the CSRF token like a form."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only when a member is signed in

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", "The CSRF token is missing or wrong.")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return None  # not reached: __call__ answers


MEMBER = [TokenAuth(), SiteSession()]
