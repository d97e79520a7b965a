"""Email the accounts part sends: one builder per email, three templates per email.

Each email ``<name>`` is built from ``emails/<name>-subject.txt``, ``-body-text.txt`` and
``-body-html.html``: text with an HTML alternative. Links are absolute, from SITE_URL,
because a mail client has no page to resolve a relative link against.

Nothing is sent in a request: ``queue_*`` records the email (a QueuedEmail row) and the
task queue renders and sends it (``build_*``), retrying while the mail server is away. So
a slow or failing server never shows in a page or its timing, and the pages can say
honestly whether the email went out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dailypapers.accounts import tokens
from dailypapers.accounts.models import User
from dailypapers.mail import queue
from dailypapers.mail.models import QueuedEmail


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def render(
    name: str, to: str, context: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
) -> EmailMultiAlternatives:
    """Render the three templates of email ``name``, addressed to ``to``."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    # A subject is one line however the template wraps it.
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[to],
        # RFC 3834: tells auto-responders (vacation replies) not to answer.
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message


def _active_user(row: QueuedEmail) -> User | None:
    if row.object_id is None:
        return None
    return User.objects.filter(pk=row.object_id, is_active=True).first()


# Builders: run by the mail task when the email's turn comes.


def build_verification(row: QueuedEmail) -> list[EmailMessage]:
    """The link that confirms the user's address; nothing once it is confirmed."""
    user = _active_user(row)
    if user is None or user.email_verified:
        return []
    token = tokens.make_verification_token(user)
    context = {
        "user": user,
        "verify_url": absolute_url(reverse("accounts:verify", args=[token])),
        "valid_days": settings.EMAIL_VERIFICATION_DAYS,
    }
    return [render("verify-email", user.email, context)]


def build_signup_attempt_notice(row: QueuedEmail) -> list[EmailMessage]:
    """Someone tried to sign up with the user's address: say so, and how to get back in."""
    user = _active_user(row)
    if user is None:
        return []
    context = {
        "user": user,
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
    }
    return [render("signup-attempt", user.email, context)]


def build_password_reset(row: QueuedEmail) -> list[EmailMessage]:
    """Django's reset link (uid and token) for the account with the typed address, if any."""
    from dailypapers.accounts.forms import PasswordResetForm

    messages: list[EmailMessage] = []
    for user in PasswordResetForm().get_users(row.address):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {"user": user, "reset_url": absolute_url(path)}
        messages.append(render("password-reset", user.email, context))
    return messages


# Queueing: called in requests; each records one row and returns at once.


def queue_verification(user: User) -> QueuedEmail:
    return queue.queue(build_verification, object_id=user.pk)


def queue_signup_attempt_notice(user: User) -> QueuedEmail:
    return queue.queue(build_signup_attempt_notice, object_id=user.pk)


def queue_password_reset(address: str) -> QueuedEmail:
    """The same work whether or not an account has ``address``: the task finds out."""
    return queue.queue(build_password_reset, address=address)


def latest_verification(user: User) -> QueuedEmail | None:
    return queue.latest(build_verification, user.pk)
