"""Account test fixtures: each request's queued mail is sent when the request ends."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.accounts.models import User
from dailypapers.testing.factories import make_user

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def client(settings, django_capture_on_commit_callbacks) -> Client:
    """A test client whose requests end as in production: the transaction commits, and the
    mail task it queued runs (here at once, as a worker would pick it up)."""
    settings.TASKS = IMMEDIATE_TASKS

    class CommittingClient(Client):
        def request(self, **request):  # type: ignore[no-untyped-def]
            with django_capture_on_commit_callbacks(execute=True):
                return super().request(**request)

    return CommittingClient()


@pytest.fixture
def ada() -> User:
    """A member (tests that need another password make their own `ada`)."""
    return make_user(verified=False, password="correct horse battery", display_name="Ada")
