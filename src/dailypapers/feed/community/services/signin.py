"""The sign-in page's address with the way back, for the log-in links of signed-out pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.http import urlencode

from dailypapers.core.urlmemo import remembered_reverse

FALLBACK_LOGIN_URL = "/accounts/login/"


def _login_page(to: str) -> str:
    """``resolve_url(settings.LOGIN_URL)`` through the remembered reverse (core/urlmemo.py):
    every signed-out paper page asks it three times."""
    if to.startswith(("./", "../")):
        return to
    try:
        return remembered_reverse(to)
    except NoReverseMatch:
        if "/" not in to and "." not in to:
            raise
    return to


def login_url_for(request: HttpRequest | None) -> str:
    """The sign-in page, coming back to ``request``'s page afterwards."""
    try:
        base = _login_page(str(settings.LOGIN_URL))
    except NoReverseMatch:  # the accounts pages are not wired up (yet)
        base = FALLBACK_LOGIN_URL
    if request is None:
        return base
    return f"{base}?{urlencode({'next': request.get_full_path()})}"
