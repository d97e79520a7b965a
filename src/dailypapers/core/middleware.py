"""What every request and response goes through: NUL characters refused, security headers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_vary_headers

# Everything a page uses is served by the app itself: no request leaves the site.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin ships inline scripts of its own; it keeps Django's defaults.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


FEED_TYPES = ("application/rss+xml", "application/atom+xml")


class FeedsReadableInBrowsersMiddleware:
    """A browser opening a feed gets it as application/xml, the same bytes.

    Chromium shows application/rss+xml and application/atom+xml as plain text and so never
    applies the feed's XSLT stylesheet (api/static/api/feed.xsl); as application/xml it
    does. Feed readers do not ask for text/html and keep the registered types.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith(FEED_TYPES):
            patch_vary_headers(response, ["Accept"])
            accept = request.headers.get("Accept", "")
            if "text/html" in accept and not any(kind in accept for kind in FEED_TYPES):
                response.headers["Content-Type"] = "application/xml; charset=utf-8"
        return response


# The longest address (path and query) answered. gunicorn refuses longer request lines itself
# with a bare page; ``dailypapers run`` raises its limit_request_line above this one so that
# addresses up to twice this long get the site's own 414 page from here.
MAX_URI_LENGTH = 4094


class RefuseLongUriMiddleware:
    """An address longer than MAX_URI_LENGTH is a 414 in the site's layout (JSON under /api/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URI_LENGTH:
            if request.path.startswith("/api/"):
                from dailypapers.core.api_errors import error_response

                return error_response(
                    414, "uri_too_long", f"The address is longer than {MAX_URI_LENGTH} characters."
                )
            from dailypapers.core.errors import uri_too_long

            return uri_too_long(request, MAX_URI_LENGTH)
        return self.get_response(request)


NUL_MESSAGE = "The request contains a NUL character (\\x00)."


class RefuseNulCharactersMiddleware:
    """A NUL in the path or the query string is a 400 before any view sees it.

    PostgreSQL refuses NUL in text, so such a value would otherwise fail deep in a query (a
    500) wherever a parameter reaches the database, on any page or API endpoint. JSON bodies
    (the API's writes) are checked too; form fields already refuse it (Django's
    ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                from dailypapers.core.api_errors import error_response

                return error_response(400, "invalid_parameter", NUL_MESSAGE)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if any("\x00" in value for value in (request.path, *request.GET.values())):
        return True
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False
