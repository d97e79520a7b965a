"""HSTS directives that bind more than this site are opt-in; oversized bodies are refused
before anything reads them (issue 16, "Also")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from dailypapers.accounts.models import User
from dailypapers.api.tokens import create_token

SHOW_HSTS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
)


def hsts_settings(tmp_path: Path, **env: str) -> str:
    environment = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "SITE_URL": "https://papers.example.org",
        **env,
    }
    for name in ("SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", SHOW_HSTS], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_sends_hsts_without_preload_or_subdomains_unless_asked(tmp_path):
    assert hsts_settings(tmp_path) == "31536000 False False"
    opted_in = hsts_settings(
        tmp_path, SECURE_HSTS_PRELOAD="true", SECURE_HSTS_INCLUDE_SUBDOMAINS="true"
    )
    assert opted_in == "31536000 True True"


BIG = 7 * 1024 * 1024


def big_upload(client: Client, path: str, **extra: str):
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="library"; filename="a.bib"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * BIG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.generic(
        "POST", path, body, content_type=f"multipart/form-data; boundary={boundary}", **extra
    )


@pytest.mark.django_db
def test_an_oversized_import_upload_is_a_413_on_the_web_and_the_api(client):
    from django.utils import timezone

    member = User.objects.create_user(
        "big@example.org", "a-long-Passphrase-4711", email_verified_at=timezone.now()
    )
    client.force_login(member)
    assert big_upload(client, "/library/import/").status_code == 413
    _token, secret = create_token(member, "script")
    api = big_upload(Client(), "/api/v1/me/library/import", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 413
    assert api.json()["error"]["code"] == "too_large"
    assert not member.collections.exists()
