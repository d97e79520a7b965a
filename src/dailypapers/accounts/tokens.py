"""Signed, expiring tokens for the links that confirm an email address.

A token names the user and a digest of the address it confirms, so it stops working when
the address changes. Its signature carries a timestamp, so it expires after
EMAIL_VERIFICATION_DAYS. The digest keeps the address itself out of URLs and access logs.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core import signing

from dailypapers.accounts.models import User

SALT = "dailypapers.accounts.verify-email"


class InvalidToken(Exception):
    """The link was mangled, forged, or is for an address the account no longer has."""


class ExpiredToken(InvalidToken):
    """The link was genuine but is older than EMAIL_VERIFICATION_DAYS."""


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock can be set, so a test can make a link issued days ago."""

    def __init__(self, issued_at: float | None = None) -> None:
        super().__init__(salt=SALT)
        self._issued_at = issued_at

    def timestamp(self) -> str:
        if self._issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._issued_at))


def address_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def make_verification_token(user: User, *, issued_at: float | None = None) -> str:
    """The token for ``user``'s current address; ``issued_at`` (Unix time) is for tests."""
    payload = {"u": user.pk, "e": address_digest(user.email)}
    return _Signer(issued_at).sign_object(payload, compress=True)


def user_for_verification_token(token: str) -> User:
    """The user a token confirms; raises ExpiredToken or InvalidToken."""
    max_age = timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
    try:
        payload = _Signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except signing.BadSignature:
        raise InvalidToken from None
    if not isinstance(payload, dict):
        raise InvalidToken
    user_id = payload.get("u")
    if not isinstance(user_id, int | str):
        raise InvalidToken
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or payload.get("e") != address_digest(user.email):
        raise InvalidToken
    return user
