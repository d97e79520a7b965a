"""Access rules for community actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def verified_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in with a verified email address: what voting, commenting and submitting need."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.email_verified:
            return render(request, "accounts/verify_first.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
