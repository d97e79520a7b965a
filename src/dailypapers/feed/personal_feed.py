"""The secret address of a member's personal "For you" feed.

Feed readers cannot sign in, so the address itself is the credential: a token made on first
use and shown on the For you page. The token is an HMAC of a random nonce under SECRET_KEY,
so the page can show it again while the database keeps only the nonce and the token's
SHA-256. Regenerating replaces the nonce (same row), and the old address answers 404 from
then on; so does deleting the row (revoking a member's credentials).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from dailypapers.accounts.models import User
from dailypapers.feed.models import PersonalFeedToken

TOKEN_CHARS = 32  # URL-safe characters, 192 bits
HMAC_SALT = "dailypapers.feed.personal_feed"


def _token_of(nonce: str) -> str:
    mac = salted_hmac(HMAC_SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).decode()[:TOKEN_CHARS]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fresh() -> dict[str, str]:
    nonce = secrets.token_urlsafe(24)
    return {"nonce": nonce, "digest": _digest(_token_of(nonce))}


def feed_token(user_id: int) -> str:
    """The member's current token, made now if they have none."""
    try:
        with transaction.atomic():
            row, _created = PersonalFeedToken.objects.get_or_create(
                user_id=user_id, defaults=_fresh()
            )
    except IntegrityError:  # made at the same moment by another request
        row = PersonalFeedToken.objects.get(user_id=user_id)
    token = _token_of(row.nonce)
    if row.digest != _digest(token):  # SECRET_KEY changed: the shown address changed too
        PersonalFeedToken.objects.filter(pk=row.pk).update(digest=_digest(token))
    return token


def regenerate_feed_token(user_id: int) -> str:
    """A new token for the member; the previous address stops working at once."""
    updated = PersonalFeedToken.objects.filter(user_id=user_id).update(**_fresh())
    if not updated:
        return feed_token(user_id)
    return _token_of(PersonalFeedToken.objects.get(user_id=user_id).nonce)


def forget_feed_token(user_id: int) -> None:
    """The member's feed address stops working; the next page view makes a new one."""
    PersonalFeedToken.objects.filter(user_id=user_id).delete()


def forget_feed_token_on_revocation(sender: type, user: User, **kwargs: object) -> None:
    """Receiver of accounts' credentials_revoked: the old feed address stops working."""
    forget_feed_token(user.pk)


def user_for_feed_token(token: str) -> User | None:
    """The active member whose feed this token opens, or None."""
    if not token or len(token) > 64:
        return None
    found = (
        PersonalFeedToken.objects.select_related("user")
        .filter(digest=_digest(token), user__is_active=True)
        .first()
    )
    return found.user if found is not None else None
