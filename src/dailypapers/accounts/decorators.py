"""Access rules for community actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def _safe(url: str | None, request: HttpRequest) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _come_back_to(request: HttpRequest) -> str:
    """Where to return after logging in.

    A POST-only action (vote, comment) can't be opened after the login, so the page its
    form was on is used instead: the form's ``next``, htmx's current URL, or the referrer.
    """
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    for candidate in (
        request.POST.get("next"),
        request.headers.get("HX-Current-URL"),
        request.headers.get("Referer"),
    ):
        if _safe(candidate, request):
            return str(candidate)
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _htmx_redirect(url: str, status: int) -> HttpResponse:
    # htmx would follow a 302 inside its XHR and swap the whole login page into a button;
    # HX-Redirect makes it load the page in the window instead.
    response = HttpResponse(status=status)
    response["HX-Redirect"] = url
    return response


def verified_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in with a verified email address: what voting, commenting and submitting need."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        htmx = request.headers.get("HX-Request") == "true"
        if not request.user.is_authenticated:
            login = redirect_to_login(_come_back_to(request))
            return _htmx_redirect(login["Location"], 401) if htmx else login
        if not request.user.email_verified:
            if htmx:
                return _htmx_redirect(reverse("accounts:settings"), 403)
            return render(request, "accounts/verify_first.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
