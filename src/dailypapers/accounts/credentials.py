"""Revoking everything that acts as a member, when control of the account changes hands.

Account pre-hijacking: someone signs up with another person's address, never verifies it,
and makes an API token or a For you feed address. When the owner later takes the account
over (resets the password, changes it, or verifies the address for the first time), those
must stop working: every API token is revoked, the feed address replaced, and every other
session of the member ended.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.accounts.signals import credentials_revoked

logger = logging.getLogger(__name__)


def revoke_credentials(user: User, keep_session_key: str | None = None) -> None:
    """Revoke ``user``'s API tokens and feed address and end their sessions but one.

    The apps that issue credentials (api: tokens; feed: the feed address) receive
    credentials_revoked and revoke their own; each may answer a phrase for the log line.
    """
    answers = credentials_revoked.send(sender=User, user=user)
    revoked = [answer for _receiver, answer in answers if answer]
    ended = end_sessions(user, keep_session_key)
    logger.info(
        "credentials of user %s revoked: %s",
        user.pk,
        ", ".join([*revoked, f"{ended} sessions"]),
    )


def end_sessions(user: User, keep_session_key: str | None = None) -> int:
    """Delete the member's stored sessions (all but ``keep_session_key``); how many.

    Sessions are stored by key, not by member, so each live one is read: this runs only
    on the rare events above, never per request.
    """
    wanted = str(user.pk)
    doomed = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key=keep_session_key or ""
    )
    for session in live.iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == wanted:
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
