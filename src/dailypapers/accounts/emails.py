"""Email the accounts part sends: one function per email, three templates per email.

Each email ``<name>`` is built from ``emails/<name>-subject.txt``, ``-body-text.txt`` and
``-body-html.html`` and sent as text with an HTML alternative through Django's mail
framework (SMTP unless EMAIL_BACKEND says otherwise). Links are absolute, from SITE_URL,
because a mail client has no page to resolve a relative link against.

Sending happens in the caller's thread and raises on failure; views catch and log, so a
mail server outage never loses an account, and the person can ask for the link again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from dailypapers.accounts import tokens
from dailypapers.accounts.models import User


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send(
    name: str, to: str, context: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
) -> None:
    """Render the three templates of email ``name`` and send them to ``to``."""
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
    message.send()


def send_verification(user: User) -> None:
    """The link that confirms ``user``'s address; valid EMAIL_VERIFICATION_DAYS days."""
    token = tokens.make_verification_token(user)
    send(
        "verify-email",
        user.email,
        {
            "user": user,
            "verify_url": absolute_url(reverse("accounts:verify", args=[token])),
            "valid_days": settings.EMAIL_VERIFICATION_DAYS,
        },
    )


def send_signup_attempt_notice(user: User) -> None:
    """Someone tried to sign up with ``user``'s address: say so, and how to get back in."""
    send(
        "signup-attempt",
        user.email,
        {
            "user": user,
            "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
    )


def send_password_reset(user: User, reset_url: str) -> None:
    """Django's reset link (uid and token made by PasswordResetForm), in our email."""
    send("password-reset", user.email, {"user": user, "reset_url": reset_url})
