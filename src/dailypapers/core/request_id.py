"""Every request gets an id: taken from the proxy's ``X-Request-ID`` when it is sane, else new.

The id is answered in the response's ``X-Request-ID`` header, written on every log line the
request causes (core/logcontext.py), on gunicorn's access line, and on the lines of the tasks
the request queued (core/task_logging.py). A support question quoting the header finds the
whole story with one grep.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dailypapers.core import logcontext

HEADER = "X-Request-ID"
# What proxies send (nginx's $request_id: 32 hex digits; UUIDs; AWS trace ids with ":" "=").
# Anything longer or stranger is replaced: a header must not write arbitrary text into logs.
_ACCEPTED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+-]{0,127}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(presented: str | None) -> str:
    """``presented`` if it is a sane id, else a new one."""
    if presented and _ACCEPTED.fullmatch(presented):
        return presented
    return new_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE: even a refused request (413, 400) has its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        # Cleared by forget_request_id when the response is closed, not on the way out of
        # here: Django logs a 4xx response ("Bad Request: /…") after the middleware returns.
        logcontext.request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def forget_request_id(**_: object) -> None:
    """On ``request_finished``: the thread's next lines belong to no request."""
    logcontext.request_id.set(None)
