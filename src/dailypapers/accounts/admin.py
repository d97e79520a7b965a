"""Admin for the custom user: find people by email or name, grant curator and staff roles."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dailypapers.accounts.forms import normalize_email
from dailypapers.accounts.models import User


class _LowerCaseEmail:
    """Addresses are stored lower-case, so a differently cased duplicate is caught as one."""

    cleaned_data: dict[str, Any]

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class UserCreationForm(_LowerCaseEmail, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserChangeForm(_LowerCaseEmail, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class VerifiedFilter(admin.SimpleListFilter):
    title = "email verified"
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Verified"), ("no", "Not verified")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = (
        "email",
        "display_name",
        "handle",
        "is_verified",
        "is_curator",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_staff", "is_curator", VerifiedFilter, "is_superuser", "is_active")
    search_fields = ("email", "display_name", "handle")
    ordering = ("email",)
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "handle", "email_verified_at")}),
        (
            "Roles",
            {
                "fields": (
                    "is_active",
                    "is_curator",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    actions = ("mark_verified", "make_curator", "remove_curator")

    @admin.display(boolean=True, description="verified", ordering="email_verified_at")
    def is_verified(self, user: User) -> bool:
        return user.email_verified

    @admin.action(description="Mark the email address as verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.filter(email_verified_at__isnull=True).update(
            email_verified_at=timezone.now()
        )
        self.message_user(request, f"{count} address(es) marked as verified.")

    @admin.action(description="Make curator")
    def make_curator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(is_curator=True)
        self.message_user(request, f"{count} user(s) are now curators.")

    @admin.action(description="Remove the curator role")
    def remove_curator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(is_curator=False)
        self.message_user(request, f"{count} user(s) are no longer curators.")
