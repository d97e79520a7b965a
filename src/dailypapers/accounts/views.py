"""Sign-up, email verification, log-in and log-out, password reset and change, settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dailypapers.accounts import emails, tokens
from dailypapers.accounts.credentials import revoke_credentials
from dailypapers.accounts.forms import (
    DisplayNameForm,
    EmailAuthenticationForm,
    PasswordResetForm,
    SignupForm,
    normalize_email,
)
from dailypapers.accounts.models import User
from dailypapers.accounts.ratelimit import (
    client_ip,
    hit,
    key_part,
    login_attempt_allowed,
    too_many_requests,
)
from dailypapers.api.tokens import TokenRefused, active_tokens, create_token, revoke_token

logger = logging.getLogger(__name__)

FIFTEEN_MINUTES = 15 * 60
HOUR = 60 * 60
# Not operator settings: they only bound how much mail one person can trigger.
VERIFICATION_RESENDS_PER_HOUR = 5
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
SIGNUP_NOTICES_PER_ADDRESS_PER_HOUR = 1


def _deliver(send: Callable[[User], None], user: User) -> bool:
    """Send one account email; a mail outage is logged, never a lost sign-up or a 500."""
    try:
        send(user)
    except Exception:
        logger.exception("could not send %s to user %s", send.__name__, user.pk)
        return False
    return True


# Sign-up and verification


def _sign_up(form: SignupForm) -> User | None:
    """The new account, or None when the address is taken (its owner is told by email)."""
    email = form.cleaned_data["email"]
    password = form.cleaned_data["password1"]
    if not User.objects.filter(email__iexact=email).exists():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, display_name=form.cleaned_data["display_name"]
                )
        except IntegrityError:
            pass  # a simultaneous sign-up took the address; treat it as taken
        else:
            _deliver(emails.send_verification, user)
            return user
    # Hash anyway, so a taken address answers as slowly as a new one.
    make_password(password)
    owner = User.objects.filter(email__iexact=email).first()
    notice_key = f"signup-notice:{key_part(email)}"
    if owner is not None and hit(notice_key, SIGNUP_NOTICES_PER_ADDRESS_PER_HOUR, HOUR):
        _deliver(emails.send_signup_attempt_notice, owner)
    return None


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:settings")
    form = SignupForm(request.POST) if request.method == "POST" else SignupForm()
    if form.is_valid():
        # Only complete forms count: they are what creates accounts and sends mail.
        if not hit(f"signup:ip:{client_ip(request)}", settings.SIGNUPS_PER_HOUR_PER_IP, HOUR):
            return too_many_requests(request, HOUR, "signed up")
        user = _sign_up(form)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The same answer whether or not the address was taken: no account enumeration.
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = tokens.user_for_verification_token(token)
    except tokens.ExpiredToken:
        context = {"expired": True, "valid_days": settings.EMAIL_VERIFICATION_DAYS}
        return render(request, "accounts/verify_failed.html", context, status=410)
    except tokens.InvalidToken:
        return render(request, "accounts/verify_failed.html", {"expired": False}, status=400)
    # Conditional update: a second click, or two at once, keeps the first timestamp.
    first = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    if first:  # the address's owner takes the account over: nothing made before counts
        keep = request.session.session_key if request.user == user else None
        revoke_credentials(user, keep_session_key=keep)
    user.refresh_from_db(fields=["email_verified_at"])
    return render(request, "accounts/verified.html", {"verified_user": user})


@csrf_protect
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # Back to the settings page after logging in: this URL only answers POST.
        return redirect_to_login(reverse("accounts:settings"))
    user = request.user
    if user.email_verified:
        return redirect("accounts:settings")
    key = f"verify-resend:user:{user.pk}"
    if not hit(key, VERIFICATION_RESENDS_PER_HOUR, HOUR):
        return too_many_requests(request, HOUR, "asked for a new confirmation link")
    sent = _deliver(emails.send_verification, user)
    return redirect(reverse("accounts:settings") + ("?sent=1" if sent else "?send_failed=1"))


# Log-in and log-out


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = normalize_email(request.POST.get("username", ""))
        if not login_attempt_allowed(request, email):
            return too_many_requests(request, FIFTEEN_MINUTES, "tried to log in")
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """POST logs out; GET only shows the button, so a link or prefetch can't log anyone out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"


# Password reset and change


# Its form carries a CSRF token, so no cache may keep it.
@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = settings.LOGIN_ATTEMPTS_PER_15_MIN
        if not hit(f"reset:ip:{client_ip(request)}", limit, FIFTEEN_MINUTES):
            return too_many_requests(request, FIFTEEN_MINUTES, "asked for a password reset")
        # Counted for unknown addresses too, so a 429 says nothing about who has an account.
        email = normalize_email(request.POST.get("email", ""))
        key = f"reset:email:{key_part(email)}"
        if email and not hit(key, PASSWORD_RESETS_PER_ADDRESS_PER_HOUR, HOUR):
            return too_many_requests(request, HOUR, "asked for a password reset")
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The link arrived by email, so following it proves the address too.
        User.objects.filter(pk=form.user.pk, email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
        revoke_credentials(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session signed in
        revoke_credentials(form.user, keep_session_key=self.request.session.session_key)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# Settings


@login_required
@never_cache
def account_settings(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = DisplayNameForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            return redirect(reverse("accounts:settings") + "?saved=1")
    else:
        form = DisplayNameForm(instance=request.user)
    return _settings_page(request, form)


def _settings_page(
    request: HttpRequest, form: DisplayNameForm, new_api_token: dict | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "saved": "saved" in request.GET,
        "sent": "sent" in request.GET,
        "send_failed": "send_failed" in request.GET,
        "valid_days": settings.EMAIL_VERIFICATION_DAYS,
        "api_tokens": active_tokens(request.user),
        "new_api_token": new_api_token,
        "token_error": request.session.pop("api_token_error", None),
        "token_revoked": "token_revoked" in request.GET,
    }
    return render(request, "accounts/settings.html", context)


@login_required
@csrf_protect
@never_cache
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token and show its secret in this one answer.

    The secret is never stored, not even in the session (a database row until the next
    page view): the settings page is rendered here with it. Reloading re-posts the form,
    which the browser asks about first; each token counts against API_TOKENS_PER_MEMBER.
    """
    try:
        token, secret = create_token(request.user, request.POST.get("name", ""))
    except TokenRefused as error:
        request.session["api_token_error"] = str(error)
        return redirect(reverse("accounts:settings") + "#api-tokens-heading")
    form = DisplayNameForm(instance=request.user)
    return _settings_page(request, form, new_api_token={"name": token.name, "secret": secret})


@login_required
@csrf_protect
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    revoke_token(request.user, token_id)  # someone else's id revokes nothing
    return redirect(reverse("accounts:settings") + "?token_revoked=1#api-tokens-heading")
