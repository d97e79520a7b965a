"""The secret address of a member's personal "For you" feed.

Feed readers cannot sign in, so the address itself is the credential: a random token,
made on first use and shown on the For you page. Regenerating replaces it in the same row
(the token is unique in the database), and the old address answers 404 from then on.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from dailypapers.accounts.models import User
from dailypapers.feed.models import PersonalFeedToken

TOKEN_BYTES = 24  # 32 URL-safe characters


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def feed_token(user_id: int) -> str:
    """The member's current token, made now if they have none."""
    token, _created = PersonalFeedToken.objects.get_or_create(
        user_id=user_id, defaults={"token": _new_token()}
    )
    return token.token


def regenerate_feed_token(user_id: int) -> str:
    """A new token for the member; the previous address stops working at once."""
    with transaction.atomic():
        updated = PersonalFeedToken.objects.filter(user_id=user_id).update(token=_new_token())
        if not updated:
            return feed_token(user_id)
    return PersonalFeedToken.objects.get(user_id=user_id).token


def user_for_feed_token(token: str) -> User | None:
    """The active member whose feed this token opens, or None."""
    if not token or len(token) > 64:
        return None
    found = (
        PersonalFeedToken.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return found.user if found is not None else None
