"""Subscribe, confirm, preferences, unsubscribe (RFC 8058 one-click), and a digest on the site.

Every page works without an account: the signed link in each digest is the key. GET pages
only show; POSTs act. Two POSTs take no CSRF token, on purpose: the subscribe form sits in
the footer of pages cached for signed-out readers, which carry no token (and the worst a
forged subscribe can do is send one rate-limited confirmation email); and a mail client's
one-click unsubscribe sends a bare POST, with no cookie or token, to the List-Unsubscribe URL.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dailypapers.core.ratelimit import client_ip, hit, key_part, too_many_requests
from dailypapers.digests import links, subscriptions
from dailypapers.digests.forms import PreferencesForm, SubscribeForm
from dailypapers.digests.models import Delivery, DigestRun, Subscriber
from dailypapers.digests.render import DigestRenderer, RenderedDigest
from dailypapers.digests.selection import RunPapers, SubscriberChoice

logger = logging.getLogger(__name__)
HOUR = 3600
# The digest page has inline styles (it is the email); nothing else may load.
DIGEST_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _queue_email(subscriber: Subscriber, kind: str) -> None:
    # A row in this transaction; the task is queued after the commit, and a queue outage
    # is logged there, never shown.
    subscriptions.send_subscription_email(subscriber, kind)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        return render(request, "digests/subscribe.html", {"form": SubscribeForm(initial=initial)})
    if not hit(
        f"digest-subscribe-ip:{client_ip(request)}",
        settings.DIGEST_SUBSCRIBES_PER_HOUR_PER_IP,
        HOUR,
    ):
        return too_many_requests(request, HOUR, "asked for digests")
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "digests/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    user_id = None
    if request.user.is_authenticated and request.user.email.lower() == data["email"]:
        user_id = request.user.pk
    # Over the per-address limit the answer is the same, only no email goes out: the page
    # must not tell a known address from a new one, nor a limited one from a fresh one.
    if hit(
        f"digest-subscribe-address:{key_part(data['email'])}",
        settings.DIGEST_SUBSCRIBES_PER_HOUR_PER_ADDRESS,
        HOUR,
    ):
        with transaction.atomic():
            subscriber, kind = subscriptions.subscribe(data, user_id)
            _queue_email(subscriber, kind)
    return redirect("digests:subscribe_sent")


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "digests/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = links.subscriber_for_confirm_token(token)
    except links.ExpiredLink:
        return render(request, "digests/link_invalid.html", {"expired": True}, status=400)
    except links.InvalidLink:
        return render(request, "digests/link_invalid.html", status=400)
    if request.method == "GET":
        return render(request, "digests/confirm.html", {"subscriber": subscriber})
    subscriptions.confirm(subscriber, timezone.now())
    return redirect(
        "digests:preferences", token=links.manage_token(subscriber.pk, subscriber.link_key)
    )


def _managed(token: str) -> Subscriber:
    try:
        return links.subscriber_for_manage_token(token)
    except links.InvalidLink:
        raise Http404("This link is not valid.") from None


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _managed(token)
    context = {"subscriber": subscriber, "token": token}
    if request.method == "POST" and "resubscribe" in request.POST:
        subscriptions.resubscribe(subscriber, timezone.now())
        messages.success(request, "Welcome back: your digests start again.")
        return redirect("digests:preferences", token=token)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscriptions.update_preferences(subscriber, form.cleaned_data, timezone.now())
            messages.success(request, "Your preferences are saved.")
            return redirect("digests:preferences", token=token)
        return render(request, "digests/preferences.html", {**context, "form": form}, status=400)
    form = PreferencesForm(initial=PreferencesForm.initial_for(subscriber))
    return render(request, "digests/preferences.html", {**context, "form": form})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _managed(token)
    context = {"subscriber": subscriber, "token": token}
    if request.method == "GET":
        # Link scanners follow links: a GET only asks.
        return render(request, "digests/unsubscribe.html", context)
    subscriptions.unsubscribe(subscriber, timezone.now())
    # The link just used is retired: "changed your mind?" needs one with the new key.
    context["token"] = links.manage_token(subscriber.pk, subscriber.link_key)
    # RFC 8058: answer the POST itself, no redirect for the mail client to follow.
    return render(request, "digests/unsubscribed.html", context)


@never_cache
def view(request: HttpRequest, run_id: int, token: str) -> HttpResponse:
    subscriber = _managed(token)
    delivery = (
        Delivery.objects.filter(run_id=run_id, subscriber=subscriber)
        .exclude(paper_ids=[])
        .select_related("run")
        .first()
    )
    if delivery is None or not delivery.paper_ids:
        raise Http404("There is no digest for this link.")
    digest = render_digest(delivery.run, subscriber, delivery.paper_ids)
    response = HttpResponse(digest.html)
    response["Content-Security-Policy"] = DIGEST_PAGE_CSP
    response["X-Robots-Tag"] = "noindex"
    return response


def render_digest(run: DigestRun, subscriber: Subscriber, paper_ids: list[int]) -> RenderedDigest:
    papers = RunPapers(run)
    paper_ids = [pid for pid in paper_ids if pid in papers.by_id]
    if not paper_ids:
        raise Http404("The papers of this digest are no longer available.")
    choice = SubscriberChoice.from_row(
        {
            name: getattr(subscriber, name if name != "id" else "pk")
            for name in SubscriberChoice.FIELDS
        }
    )
    return DigestRenderer(run, papers).render(choice, paper_ids)
