"""Subscribing, confirming, changing preferences and leaving, as operations on the model.

Nothing is sent to an address before its owner opens the confirmation link. A subscribe
request for an address that is already confirmed changes nothing (anyone can type any
address into the form); its owner gets an email with their preferences link instead.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from dailypapers.accounts import emails
from dailypapers.digests import links
from dailypapers.digests.models import Subscriber, new_link_key
from dailypapers.digests.schedule import next_due
from dailypapers.mail import queue
from dailypapers.mail.models import QueuedEmail

logger = logging.getLogger(__name__)

CONFIRM_EMAIL = "digest-confirm"
ALREADY_EMAIL = "digest-already-subscribed"


def _apply_choices(subscriber: Subscriber, data: dict[str, Any]) -> None:
    subscriber.content = data["content"]
    subscriber.categories = list(data.get("categories") or [])
    subscriber.topic_ids = [int(t) for t in data.get("topics") or []]
    subscriber.top_n = data["top_n"]
    if "frequency" in data:
        subscriber.frequency = data["frequency"]


def schedule_next(subscriber: Subscriber, now: datetime) -> None:
    """Set when the next digest is due; none while the subscriber gets no mail."""
    if subscriber.receives_mail:
        subscriber.next_due_at = next_due(
            now,
            frequency=subscriber.frequency,
            send_hour=subscriber.send_hour,
            time_zone=subscriber.time_zone,
            weekday=subscriber.weekday,
        )
    else:
        subscriber.next_due_at = None


def subscribe(data: dict[str, Any], user_id: int | None = None) -> tuple[Subscriber, str]:
    """Record a subscribe request; returns the subscriber and which email to send them."""
    email = data["email"]
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email, user_id=user_id)
        _apply_choices(subscriber, data)
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:  # the same address, submitted twice at once
            subscriber = Subscriber.objects.get(email__iexact=email)
        return subscriber, CONFIRM_EMAIL
    if subscriber.confirmed_at is not None and subscriber.unsubscribed_at is None:
        return subscriber, ALREADY_EMAIL
    # Unconfirmed, or left earlier: take the new choices, and ask for confirmation again.
    _apply_choices(subscriber, data)
    subscriber.confirmed_at = None
    subscriber.unsubscribed_at = None
    subscriber.bounced_at = None
    subscriber.bounce_count = 0
    subscriber.next_due_at = None
    if user_id and subscriber.user_id is None:
        subscriber.user_id = user_id
    subscriber.save()
    return subscriber, CONFIRM_EMAIL


def build_subscription_email(row: QueuedEmail) -> list[EmailMessage]:
    """The confirmation (or "already subscribed") email, rendered when the task sends it."""
    if row.object_id is None:  # every subscription email is queued with its subscriber
        return []
    subscriber = Subscriber.objects.filter(pk=row.object_id).first()
    if subscriber is None:
        return []
    kind = row.argument
    context = {
        "subscriber": subscriber,
        "preferences_url": links.preferences_url(subscriber.pk, subscriber.link_key),
        "valid_days": settings.DIGEST_CONFIRM_DAYS,
        "operator_name": settings.DIGEST_OPERATOR_NAME,
        "postal_address": settings.DIGEST_POSTAL_ADDRESS,
    }
    if kind == CONFIRM_EMAIL:
        context["confirm_url"] = links.confirm_url(subscriber)
    return [emails.render(kind, subscriber.email, context)]


def send_subscription_email(subscriber: Subscriber, kind: str) -> None:
    """Queue the email; the mail task sends it, retrying through an SMTP outage."""
    queue.queue(build_subscription_email, object_id=subscriber.pk, argument=kind)


def confirm(subscriber: Subscriber, now: datetime) -> bool:
    """Confirm the address; False when it already was (a second click changes nothing)."""
    if subscriber.confirmed_at is not None and subscriber.unsubscribed_at is None:
        return False
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    schedule_next(subscriber, now)
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at", "next_due_at"])
    return True


def update_preferences(subscriber: Subscriber, data: dict[str, Any], now: datetime) -> None:
    _apply_choices(subscriber, data)
    subscriber.send_hour = data["send_hour"]
    subscriber.time_zone = data["time_zone"]
    subscriber.weekday = data["weekday"]
    subscriber.paused = data["paused"]
    schedule_next(subscriber, now)
    subscriber.save()


def unsubscribe(subscriber: Subscriber, now: datetime) -> bool:
    """Stop all mail to the address; False when it had already left (repeats are harmless).

    A new link key retires the links of every digest sent so far: a forwarded or kept
    digest can no longer start mail again or change anything. ``subscriber`` gets the new
    key, for the one fresh link the unsubscribed page offers.
    """
    link_key = new_link_key()
    updated = Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now, next_due_at=None, link_key=link_key
    )
    if updated:
        subscriber.unsubscribed_at, subscriber.next_due_at = now, None
        subscriber.link_key = link_key
    return updated == 1


def resubscribe(subscriber: Subscriber, now: datetime) -> None:
    """Undo an unsubscribe from the preferences page (the address was confirmed before)."""
    subscriber.unsubscribed_at = None
    subscriber.bounced_at = None
    subscriber.bounce_count = 0
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
    schedule_next(subscriber, now)
    subscriber.save()
