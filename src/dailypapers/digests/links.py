"""Signed links: confirm a subscription (expiring), and manage or leave it (lasting).

A confirmation link carries the subscriber id, a digest of the address and a timestamp,
and stops working after DIGEST_CONFIRM_DAYS. The links in every digest (preferences,
unsubscribe, view in browser) must keep working as long as the mail sits in an inbox, so
they do not expire; they carry the subscriber's ``link_key`` instead, which changes when
the subscriber leaves, retiring every old link at once.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

from dailypapers.digests.models import DigestRun, Subscriber

CONFIRM_SALT = "dailypapers.digests.confirm"
MANAGE_SALT = "dailypapers.digests.manage"


class InvalidLink(Exception):
    """Mangled, forged, or for a subscription that no longer matches."""


class ExpiredLink(InvalidLink):
    """Genuine but older than DIGEST_CONFIRM_DAYS."""


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _key_digest(link_key: str) -> str:
    return hashlib.sha256(link_key.encode()).hexdigest()[:16]


def confirm_token(subscriber: Subscriber) -> str:
    # The link key too: an unsubscribe replaces it, so a confirmation link sent before the
    # subscriber left cannot start mail again (or hand out a fresh preferences link).
    payload = {
        "s": subscriber.pk,
        "e": _address_digest(subscriber.email),
        "k": _key_digest(subscriber.link_key),
    }
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(payload)


def subscriber_for_confirm_token(token: str) -> Subscriber:
    try:
        payload = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
            token, max_age=timedelta(days=settings.DIGEST_CONFIRM_DAYS)
        )
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except signing.BadSignature:
        raise InvalidLink from None
    if not isinstance(payload, dict):
        raise InvalidLink
    subscriber_id = payload.get("s")
    if not isinstance(subscriber_id, int | str):
        raise InvalidLink
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or payload.get("e") != _address_digest(subscriber.email):
        raise InvalidLink
    if payload.get("k") != _key_digest(subscriber.link_key):
        raise InvalidLink
    return subscriber


def manage_token(subscriber_id: int, link_key: str) -> str:
    # Plain Signer (no timestamp): a digest's links must work for as long as it is kept.
    return signing.Signer(salt=MANAGE_SALT).sign(f"{subscriber_id}.{link_key}")


def subscriber_for_manage_token(token: str) -> Subscriber:
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        raise InvalidLink from None
    subscriber_id, _, link_key = value.partition(".")
    if not subscriber_id.isdigit() or not link_key:
        raise InvalidLink
    subscriber = Subscriber.objects.filter(pk=int(subscriber_id), link_key=link_key).first()
    if subscriber is None:
        raise InvalidLink
    return subscriber


def confirm_url(subscriber: Subscriber) -> str:
    return absolute(reverse("digests:confirm", args=[confirm_token(subscriber)]))


@lru_cache(maxsize=16)
def _path_template(name: str, site_url: str, with_run: bool) -> str:
    # reverse() costs more than the rest of a link; a digest run builds three per message.
    args: list[object] = [987654321, "TOKEN"] if with_run else ["TOKEN"]
    path = reverse(name, args=args)
    return f"{site_url}{path}".replace("987654321", "{run}").replace("TOKEN", "{token}")


def _link(name: str, token: str, run_id: int | None = None) -> str:
    template = _path_template(name, settings.SITE_URL, run_id is not None)
    return template.format(token=token, run=run_id)


def preferences_url(subscriber_id: int, link_key: str) -> str:
    return _link("digests:preferences", manage_token(subscriber_id, link_key))


def unsubscribe_url(subscriber_id: int, link_key: str) -> str:
    return _link("digests:unsubscribe", manage_token(subscriber_id, link_key))


def view_url(run: DigestRun, subscriber_id: int, link_key: str) -> str:
    return _link("digests:view", manage_token(subscriber_id, link_key), run.pk)
