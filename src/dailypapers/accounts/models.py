"""Accounts: people sign in with their email address; a display name and a handle are what
others see. The handle (``lib/handles.py`` has its rules) names the member in addresses
(``/u/<handle>/``) and in the API; it is unique without regard to case, in the database."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone

from dailypapers.lib import handles

# A handle picked for a new member can be taken by a simultaneous sign-up: pick again.
HANDLE_PICKS = 3


def validate_handle(value: str) -> None:
    found = handles.problem(value)
    if found is not None:
        raise ValidationError(found, code="invalid_handle")


class UserQuerySet(models.QuerySet["User"]):
    def with_handle(self, handle: str) -> UserQuerySet:
        """The member with this handle, in any case (served by the lower(handle) index)."""
        return self.filter(Exact(Lower("handle"), handles.normalize(handle)))

    def free_handle(self, name: str, exclude_pk: int | None = None) -> str:
        """A handle made from ``name`` that nobody (but member ``exclude_pk``) has."""
        base = handles.base_from_name(name)
        similar = self.alias(lower=Lower("handle")).filter(lower__startswith=base)
        if exclude_pk is not None:
            similar = similar.exclude(pk=exclude_pk)
        taken = {handle.lower() for handle in similar.values_list("handle", flat=True)}
        return handles.first_free(base, taken)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        picked = not user.handle
        for attempt in range(1, HANDLE_PICKS + 1):
            try:
                with transaction.atomic(using=self._db):
                    user.save(using=self._db)
            except IntegrityError:
                # Only a handle we picked is picked again; a taken address is the caller's.
                if not picked or attempt == HANDLE_PICKS:
                    raise
                if self.filter(email__iexact=user.email).exists():
                    raise
                user.handle = ""
            else:
                break
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored lower-case; people type them in any case.
        return self.get(email__iexact=username or "")

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, is_curator=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    handle = models.CharField(
        max_length=handles.MAX_LENGTH,
        validators=[validate_handle],
        help_text="Public, unique without regard to case: /u/<handle>/.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the admin site.")
    is_curator = models.BooleanField(
        default=False, help_text="Can feature or hide papers and hide comments."
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(
                Lower("handle"),
                name="user_handle_ci_unique",
                violation_error_message="That handle is taken.",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.handle:  # every member has one; a new member gets one from the name
            self.handle = User.objects.free_handle(self.display_name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        # Never fall back to the address: it would show part of it to everyone.
        return self.display_name or f"member {self.pk}"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None
