"""Create, check and revoke personal API tokens.

A token reads ``dp_`` + 8 characters of prefix + ``_`` + 43 of secret. The ``dp_`` start lets
the API tell our tokens from others a client may send along (a Hugging Face token, say), and
lets secret scanners recognise a leaked one. It is shown once, when created; afterwards only
its SHA-256 digest is known here. A fast digest is enough: the secret has 256 random bits,
so there is nothing to guess, and checking one must not slow every API request down.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.api.models import ApiToken

TOKEN_START = "dp_"
PREFIX_LENGTH = 8
# Recording every use would write a row per request; once a minute says enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    """No token is made; the message says why, for the member."""


class TokenLimitReached(TokenRefused):
    pass


class AddressNotVerified(TokenRefused):
    pass


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_ours(raw: str) -> bool:
    return raw.startswith(TOKEN_START)


def active_tokens(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``, and its secret (the only time anyone sees it)."""
    if not user.email_verified:
        # Otherwise whoever signs up with someone else's address could act as them later.
        raise AddressNotVerified(
            "Confirm your email address first: API tokens are for verified addresses only."
        )
    name = " ".join(name.split())[:60] or "API token"
    with transaction.atomic():
        # Lock the member's row so two quick requests can't both pass the count.
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        if held >= settings.API_TOKENS_PER_MEMBER:
            raise TokenLimitReached(
                f"You hold {held} tokens, the most one member may. Revoke one you no longer "
                "use first."
            )
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user, name=name, prefix=TOKEN_START + prefix, digest=digest_of(raw)
        )
    return token, raw


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False when they have no such active token."""
    if not 0 < token_id < 2**63:  # no such row; the database would overflow on it
        return False
    changed = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(changed)


def revoke_tokens_on_revocation(sender: type, user: User, **kwargs: object) -> str:
    """Receiver of accounts' credentials_revoked: every token of ``user`` stops working."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return f"{revoked} API tokens"


def find_token(raw: str) -> ApiToken | None:
    """The stored token for this string, revoked or not, with its member; None if unknown."""
    if not looks_like_ours(raw) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
    if token is not None and token.is_active:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
