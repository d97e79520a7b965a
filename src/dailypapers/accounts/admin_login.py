"""The admin's log-in page, under the same attempt limits as the site's own log-in.

Django's admin login has no limit of its own: without this, guessing a staff password there
bypassed LOGIN_ATTEMPTS_PER_15_MIN entirely. Attempts there and on /accounts/login/ count
against the same per-address and per-IP counters.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from dailypapers.accounts.forms import normalize_email
from dailypapers.core.ratelimit import (
    LOGIN_WINDOW_SECONDS,
    login_attempt_allowed,
    too_many_requests,
)


@csrf_protect
@never_cache
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    if request.method == "POST":
        email = normalize_email(request.POST.get("username", ""))
        if not login_attempt_allowed(request, email):
            return too_many_requests(request, LOGIN_WINDOW_SECONDS, "tried to log in")
    return admin.site.login(request, extra_context)
