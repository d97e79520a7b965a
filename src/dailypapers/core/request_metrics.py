"""Count and time every request by the URL pattern it matched (when METRICS_TOKEN is set)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from dailypapers.core.metrics import REQUEST_SECONDS, status_class

# Requests answered before URL resolution (static files, refused bodies) or matching no
# pattern (404s for any made-up path) share this label, so no path becomes a label.
UNRESOLVED = "unresolved"


class RequestMetricsMiddleware:
    """Outermost, so the time includes every other middleware; absent when metrics are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.METRICS_TOKEN:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match is not None else UNRESOLVED
        REQUEST_SECONDS.labels(view, status_class(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response
