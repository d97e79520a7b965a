"""Digest test fixtures: mail settings, and tasks that run at once."""

from __future__ import annotations

import pytest

from dailypapers.digests.sending import _RunCache


@pytest.fixture(autouse=True)
def digest_settings(settings):
    settings.SITE_URL = "http://testserver"
    settings.SITE_NAME = "dailypapers"
    settings.DIGEST_FROM_EMAIL = "dailypapers <digest@example.org>"
    settings.DIGEST_OPERATOR_NAME = "Example Papers Ltd"
    settings.DIGEST_POSTAL_ADDRESS = "1 Test Street, Testville"
    settings.DIGEST_UNSUBSCRIBE_MAILTO = "unsubscribe@example.org"
    settings.DIGEST_RETRY_SECONDS = 60.0
    settings.DIGEST_DKIM_KEY_FILE = ""
    _RunCache.clear()
    yield
    _RunCache.clear()
    from dailypapers.digests import smtp

    smtp.mailer().close_quietly()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
