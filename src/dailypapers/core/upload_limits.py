"""Refuse an oversized request body before anything reads or spools it.

Django parses a multipart upload whole (to memory, then a temporary file) before a view can
check its size, and the CSRF check reads the body before the view runs. This middleware,
first in the stack, answers 413 from the Content-Length header alone when a body is over
MAX_REQUEST_BODY_BYTES (the largest thing we accept is a 5 MB library import). A body
sent without a Content-Length is not read at all by Django's WSGI request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            message = f"The request is over {limit // (1024 * 1024)} MB; nothing was read."
            if request.path.startswith("/api/"):
                from dailypapers.core.api_errors import error_response

                return error_response(413, "too_large", message)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
