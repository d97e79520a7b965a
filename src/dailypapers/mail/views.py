"""Staff pages that show the local outbox: the list, newest first, and one message."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dailypapers.core.staff import staff_only
from dailypapers.mail import outbox

# The message's HTML is shown in a sandboxed frame (no scripts, no same origin); its
# inline styles need 'unsafe-inline', which this page alone allows, and only for styles.
MESSAGE_PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@never_cache
@staff_only
def outbox_list(request: HttpRequest) -> HttpResponse:
    context = {
        "entries": outbox.entries(),
        "enabled": outbox.enabled(),
        "folder": outbox.folder(),
    }
    return render(request, "mail/outbox.html", context)


@never_cache
@staff_only
def outbox_message(request: HttpRequest, name: str) -> HttpResponse:
    message = outbox.read(name)
    if message is None:
        raise Http404("There is no such message in the outbox.")
    srcdoc = None
    if message.html is not None:
        # Links open in a new tab: a sandboxed frame may not navigate the page itself.
        srcdoc = '<base target="_blank">' + message.html
    response = render(request, "mail/outbox_message.html", {"message": message, "srcdoc": srcdoc})
    response["Content-Security-Policy"] = MESSAGE_PAGE_CSP
    return response
