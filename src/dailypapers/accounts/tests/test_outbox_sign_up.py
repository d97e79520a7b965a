"""The first hour with no SMTP configured: sign up, find the link in the outbox, confirm."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user

from dailypapers.accounts.models import User
from dailypapers.mail.outbox import OUTBOX_BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    return tmp_path / "outbox"


def test_sign_up_with_no_smtp_then_confirm_from_the_outbox_file(client, outbox_dir):
    client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "display_name": "Newcomer",
            "password1": "a-long-Passphrase-4711",
            "password2": "a-long-Passphrase-4711",
        },
    )

    (path,) = outbox_dir.glob("*newcomer@example.org*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    (link,) = re.findall(r"http://127\.0\.0\.1:8000/accounts/verify/\S+", text)
    verify_path = urlsplit(link).path
    form_page = client.get(verify_path)
    assert form_page.status_code == 200
    assert not User.objects.get(email="newcomer@example.org").email_verified

    confirmed = client.post(verify_path)

    assert "Email address confirmed" in confirmed.text
    user = User.objects.get(email="newcomer@example.org")
    assert user.email_verified
    assert get_user(client).pk == user.pk


def test_login_and_logout_pages_name_the_site_not_the_host(client, settings):
    settings.SITE_NAME = "Paper Club"

    for path in ("/accounts/login/", "/accounts/logout/", "/accounts/password/reset/"):
        page = client.get(path).text
        assert "Paper Club" in page
        assert "testserver" not in page
