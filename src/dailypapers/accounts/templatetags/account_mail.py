"""What became of a member's latest confirmation email, for the pages that offer a resend."""

from __future__ import annotations

from django import template

from dailypapers.accounts import emails
from dailypapers.accounts.models import User
from dailypapers.mail.models import QueuedEmail

register = template.Library()


@register.simple_tag
def latest_verification_email(user: User) -> QueuedEmail | None:
    if not getattr(user, "is_authenticated", False) or user.email_verified:
        return None
    return emails.latest_verification(user)
