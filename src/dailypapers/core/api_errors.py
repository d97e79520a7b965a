"""The one error format of every API answer: ``{"error": {"code": ..., "message": ...}}``.

``code`` is a stable, machine-readable word (clients branch on it); ``message`` is for people
and may change. The message is repeated in an ``X-Error-Message`` header because that is
where the Hugging Face client looks first when it reports an error to its user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

log = logging.getLogger(__name__)

# A code for each status an API answer can carry without a more precise one.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_requests",
    500: "internal_error",
}


class ApiError(Exception):
    """Raised by an endpoint to answer ``status`` with this code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_parameter(message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message)


def error_response(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    # Header values must be Latin-1 without line breaks; an id echoed from the URL could be
    # anything, a carriage return included.
    printable = "".join(char if " " <= char < "\x7f" else "?" for char in message[:300])
    response["X-Error-Message"] = printable
    return response


def _describe(errors: list[dict[str, Any]]) -> str:
    """One line from pydantic's errors, like 'limit: Input should be less than or equal to 100'."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    # The location starts with where the value came from ("query", "path"): not useful here.
    where = ".".join(str(part) for part in first.get("loc", ())[1:])
    message = str(first.get("msg", "invalid value"))
    return f"{where}: {message}" if where else message


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every failure of ``api`` in the one format, unexpected ones included."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.message)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # 400 rather than Ninja's 422: the Hugging Face API and our clients expect it.
        return error_response(400, "invalid_parameter", _describe(exc.errors))

    @api.exception_handler(MultiPartParserError)
    def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return error_response(400, "invalid_body", f"The form data cannot be read: {exc}")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django's own verdict on the request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, …).
        return error_response(400, "invalid_request", str(exc) or "The request is not valid.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not_found", str(exc) or "Nothing here.")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            401,
            "unauthorized",
            "This needs a member: send a personal API token as 'Authorization: Bearer "
            "<token>' (create one on your account settings page).",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API request %s failed", request.get_full_path())
        return error_response(500, "internal_error", "Something went wrong on our side.")


@csrf_exempt  # a DELETE to no endpoint is a 404 here, not the site's HTML CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under /api/: the JSON 404 instead of the site's HTML page."""
    response = error_response(404, "not_found", "No API endpoint at this address.")
    response["Access-Control-Allow-Origin"] = "*"
    return response


View = Callable[..., HttpResponse]


def json_method_errors(view: View) -> View:
    """Answer CORS preflights, and wrong methods in the error format (Ninja sends text)."""

    @wraps(view)  # keeps Ninja's csrf_exempt marker
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight_response()
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(405, "method_not_allowed", f"Allowed: {allowed}.")
            response["Allow"] = allowed
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def preflight_response() -> HttpResponse:
    # Browsers preflight a read that sends a token, If-None-Match or If-Modified-Since itself.
    # Writes are not offered to other sites' scripts: GET only.
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return response
