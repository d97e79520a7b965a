"""Sign-up, email verification, log-in and log-out, password reset and change, settings."""

from __future__ import annotations

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
from django.views.decorators.http import require_http_methods, require_POST

from dailypapers.accounts import emails, tokens
from dailypapers.accounts.credentials import revoke_credentials
from dailypapers.accounts.forms import (
    DisplayNameForm,
    EmailAuthenticationForm,
    HandleForm,
    PasswordResetForm,
    SignupForm,
    normalize_email,
)
from dailypapers.accounts.models import User
from dailypapers.core.ratelimit import (
    client_ip,
    hit,
    key_part,
    login_attempt_allowed,
    too_many_requests,
)

FIFTEEN_MINUTES = 15 * 60
HOUR = 60 * 60
# Not operator settings: they only bound how much mail one person can trigger.
VERIFICATION_RESENDS_PER_HOUR = 5
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
SIGNUP_NOTICES_PER_ADDRESS_PER_HOUR = 1


# Sign-up and verification

# The address (as a digest) signed up for in this browser: confirming it from here signs in.
SIGNUP_SESSION_KEY = "signed_up_address"


def _sign_up(form: SignupForm) -> None:
    """Create the account and queue its confirmation link, or, when the address is taken,
    queue a notice to its owner. Either way one email is queued and nobody is signed in."""
    email = form.cleaned_data["email"]
    password = form.cleaned_data["password1"]
    if not User.objects.filter(email__iexact=email).exists():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email,
                    password,
                    display_name=form.cleaned_data["display_name"],
                    handle=form.cleaned_data["handle"],  # empty: one is made from the name
                )
                emails.queue_verification(user)
        except IntegrityError:
            pass  # a simultaneous sign-up took the address; treat it as taken
        else:
            return
    # Hash anyway, so a taken address answers as slowly as a new one.
    make_password(password)
    owner = User.objects.filter(email__iexact=email).first()
    notice_key = f"signup-notice:{key_part(email)}"
    if owner is not None and hit(notice_key, SIGNUP_NOTICES_PER_ADDRESS_PER_HOUR, HOUR):
        emails.queue_signup_attempt_notice(owner)


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
        _sign_up(form)
        # The same answer, cookies included, whether or not the address was taken: nobody
        # is signed in (the confirmation link does that), and both get a session.
        request.session[SIGNUP_SESSION_KEY] = tokens.address_digest(form.cleaned_data["email"])
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners open links, they don't press buttons."""
    try:
        user = tokens.user_for_verification_token(token)
    except tokens.ExpiredToken:
        context = {"expired": True, "valid_days": settings.EMAIL_VERIFICATION_DAYS}
        return render(request, "accounts/verify_failed.html", context, status=410)
    except tokens.InvalidToken:
        return render(request, "accounts/verify_failed.html", {"expired": False}, status=400)
    if request.method == "GET":
        return render(request, "accounts/verify_confirm.html", {"verify_user": user})
    # Conditional update: a second click, or two at once, keeps the first timestamp.
    first = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    if first:  # the address's owner takes the account over: nothing made before counts
        keep = request.session.session_key if request.user == user else None
        revoke_credentials(user, keep_session_key=keep)
    user.refresh_from_db(fields=["email_verified_at"])
    # Sign in only the browser the account was made in; anywhere else, log in as usual.
    if request.session.get(SIGNUP_SESSION_KEY) == tokens.address_digest(user.email):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SIGNUP_SESSION_KEY, None)
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
    emails.queue_verification(user)
    return redirect(reverse("accounts:settings") + "#email-heading")


# Log-in and log-out


class SiteNameMixin:
    """Django's auth views put the request's host in ``site_name``; pages use SITE_NAME."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # mixin: the view has it
        context["site_name"] = settings.SITE_NAME
        return context


class LoginView(SiteNameMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = normalize_email(request.POST.get("username", ""))
        if not login_attempt_allowed(request, email):
            return too_many_requests(request, FIFTEEN_MINUTES, "tried to log in")
        return super().post(request, *args, **kwargs)


class LogoutView(SiteNameMixin, auth_views.LogoutView):
    """POST logs out; GET only shows the button, so a link or prefetch can't log anyone out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"


# Password reset and change


# Its form carries a CSRF token, so no cache may keep it.
@method_decorator(never_cache, name="dispatch")
class PasswordResetView(SiteNameMixin, auth_views.PasswordResetView):
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

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Only a row and a queued task here, known address or not: the task looks the
        # account up and talks to the mail server, so neither shows in this answer's timing.
        emails.queue_password_reset(form.cleaned_data["email"])
        return redirect(self.get_success_url())


class PasswordResetDoneView(SiteNameMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(SiteNameMixin, auth_views.PasswordResetConfirmView):
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


class PasswordResetCompleteView(SiteNameMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(SiteNameMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session signed in
        revoke_credentials(form.user, keep_session_key=self.request.session.session_key)
        return response


class PasswordChangeDoneView(SiteNameMixin, auth_views.PasswordChangeDoneView):
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
    return settings_page(request, form)


@login_required
@never_cache
@require_POST
def change_handle(request: HttpRequest) -> HttpResponseBase:
    """The handle form of the settings page; a refused handle comes back with its reason,
    as typed, and the rest of the page as it was."""
    form = HandleForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        return redirect(reverse("accounts:settings") + "?handle_saved=1#handle-heading")
    # The form's instance is the signed-in member: keep the page's own copy unchanged.
    form.instance.refresh_from_db(fields=["handle"])
    display_form = DisplayNameForm(instance=form.instance)
    return settings_page(request, display_form, {"handle_form": form})


def settings_page(
    request: HttpRequest, form: DisplayNameForm, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """The settings page; sections of other apps (API tokens) pass ``extra_context``."""
    context = {
        "form": form,
        "handle_form": HandleForm(instance=request.user),
        "saved": "saved" in request.GET,
        "handle_saved": "handle_saved" in request.GET,
        "valid_days": settings.EMAIL_VERIFICATION_DAYS,
        **(extra_context or {}),
    }
    return render(request, "accounts/settings.html", context)
