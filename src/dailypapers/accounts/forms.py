"""Account forms. Email addresses are compared and stored lower-case."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from dailypapers.accounts.models import User
from dailypapers.lib import handles

DISPLAY_NAME_MAX = 60
# Bidirectional overrides and isolates let a name render as something other than it is.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def normalize_email(value: str) -> str:
    return value.strip().lower()


def clean_display_name(value: str) -> str:
    name = " ".join(value.split())  # one space between words; no stray tabs or newlines
    if not name:
        raise ValidationError("Enter a display name.", code="required")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            f"Use at most {DISPLAY_NAME_MAX} characters (this has {len(name)}).",
            code="max_length",
        )
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in name):
        raise ValidationError("Use printable characters only.", code="invalid")
    return name


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Display name")
        kwargs.setdefault(
            "help_text", f"Shown with your votes and comments; 1 to {DISPLAY_NAME_MAX} characters."
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "nickname"}))
        super().__init__(max_length=DISPLAY_NAME_MAX, **kwargs)

    def clean(self, value: Any) -> str:
        return clean_display_name(super().clean(value) or "")


class HandleField(forms.CharField):
    """A handle as typed: "@Ada" is "ada". The rules are lib/handles.py's."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Handle")
        kwargs.setdefault(
            "help_text",
            f"Your public name in addresses: /u/<handle>/. {handles.MIN_LENGTH} to "
            f"{handles.MAX_LENGTH} characters: letters a to z, digits, “-” and “_”, "
            "starting with a letter.",
        )
        attrs = {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(max_length=handles.MAX_LENGTH + 10, **kwargs)  # the rules say more

    def clean(self, value: Any) -> str:
        handle = handles.normalize(super().clean(value) or "")
        if not handle:
            if self.required:
                raise ValidationError("Choose a handle.", code="required")
            return ""
        found = handles.problem(handle)
        if found is not None:
            raise ValidationError(found, code="invalid_handle")
        return handle


def check_handle_free(handle: str, member: User | None = None) -> str:
    """``handle`` when nobody else has it; a form error otherwise (handles are public)."""
    others = User.objects.with_handle(handle)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if handle and others.exists():
        raise ValidationError(f"“{handle}” is taken; choose another.", code="handle_taken")
    return handle


class SignupForm(auth_forms.SetPasswordMixin, forms.Form):
    """Sign-up. It never says whether an address is taken: the view handles that quietly."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    display_name = DisplayNameField()
    handle = HandleField(
        required=False,
        help_text=(
            "Optional: leave it empty and one is made from your display name (you can change "
            "it in your settings). Letters a to z, digits, “-” and “_”, starting with a letter."
        ),
    )
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1="Password", label2="Password again"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The suggestion: what an empty field gives, once the display name is known.
        name = self.data.get("display_name", "") if self.is_bound else ""
        if name.strip():
            self.fields["handle"].widget.attrs["placeholder"] = User.objects.free_handle(name)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean_handle(self) -> str:
        return check_handle_free(self.cleaned_data["handle"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns, typed as never None
        self.validate_passwords()
        # Validators such as "too similar to your email" need the would-be user.
        candidate = User(
            email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
        )
        self.validate_password_for_user(candidate)
        return cleaned


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Django's log-in form, asking for an email address in the ``username`` field."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "That email address and password don’t match an account.",
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form for the address; the view queues the email (emails.py), so the
    answer is the same, equally fast, whether or not an account has the address."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class DisplayNameForm(forms.ModelForm):
    display_name = DisplayNameField()

    class Meta:
        model = User
        fields = ["display_name"]


class HandleForm(forms.ModelForm):
    """The settings page's handle form; the old handle stops naming the member at once."""

    handle = HandleField()

    class Meta:
        model = User
        fields = ["handle"]

    def clean_handle(self) -> str:
        return check_handle_free(self.cleaned_data["handle"], self.instance)
