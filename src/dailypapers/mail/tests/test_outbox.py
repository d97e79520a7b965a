"""The local outbox: one readable, complete .eml file per message when no SMTP is configured."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail

from dailypapers.mail import outbox


def _configured(tmp_path: Path, **env: str) -> list[str]:
    """EMAIL_BACKEND, EMAIL_HOST and SITE_URL as a fresh process reads them from ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "SITE_URL"))}
    code = "from django.conf import settings as s;print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
            "DATA_DIR": str(tmp_path),
            "PORT": "",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_with_no_smtp_configured_mail_goes_to_the_outbox(tmp_path):
    backend, _, _ = _configured(tmp_path)

    assert backend == outbox.OUTBOX_BACKEND


def test_with_an_smtp_host_mail_goes_over_smtp(tmp_path):
    backend, host, _ = _configured(tmp_path, EMAIL_HOST="smtp.example.org")

    assert (backend, host) == ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.org")


def test_the_default_site_url_is_the_address_run_prints_on_its_port(tmp_path):
    assert _configured(tmp_path)[2] == "http://127.0.0.1:8000"
    assert _configured(tmp_path, PORT="8123")[2] == "http://127.0.0.1:8123"
    assert _configured(tmp_path, PORT="8123", SITE_URL="https://papers.example.org/")[2] == (
        "https://papers.example.org"
    )


def test_a_sent_message_is_kept_as_one_eml_file_named_by_time_recipient_and_subject(outbox_dir):
    message = EmailMultiAlternatives(
        "Confirm your address!", "Open http://x/verify/1", to=["ada@example.org"]
    )
    message.attach_alternative("<p>Open <a href='http://x/verify/1'>it</a></p>", "text/html")

    assert message.send() == 1

    (path,) = outbox_dir.iterdir()
    assert path.suffix == ".eml"
    assert "-ada@example.org-confirm-your-address-" in path.name
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "ada@example.org"
    assert parsed.get_body(("plain",)).get_content().strip() == "Open http://x/verify/1"
    assert "href='http://x/verify/1'" in parsed.get_body(("html",)).get_content()
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)  # sign-in links are secrets


def test_no_temporary_file_is_left_behind(outbox_dir):
    send_mail("One", "body", None, ["a@example.org"])
    send_mail("Two", "body", None, ["b@example.org"])

    assert sorted(p.suffix for p in outbox_dir.iterdir()) == [".eml", ".eml"]


def test_entries_are_listed_newest_first_and_read_back(outbox_dir):
    send_mail("First", "one", None, ["a@example.org"])
    send_mail("Second", "two", None, ["b@example.org"])

    entries = outbox.entries()

    assert [e.subject for e in entries] == ["Second", "First"]
    assert entries[0].to == "b@example.org"
    message = outbox.read(entries[1].name)
    assert message is not None and message.text.strip() == "one" and message.html is None


@pytest.mark.parametrize("name", ["../secret_key", "x.eml", "", "..", "/etc/passwd"])
def test_a_name_that_is_not_an_outbox_message_reads_as_nothing(outbox_dir, name):
    send_mail("First", "one", None, ["a@example.org"])

    assert outbox.read(name) is None


def test_the_start_banner_says_where_mail_goes(outbox_dir, settings):
    assert outbox.where_mail_goes().startswith("mail: no SMTP configured, messages are kept in ")
    assert outbox.where_mail_goes().endswith("outbox/ (staff: /staff/outbox/)")

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.example.org", 587
    assert outbox.where_mail_goes() == "mail: sent over SMTP via smtp.example.org:587"


def test_the_banner_shows_the_default_folder_relative_to_the_current_one(outbox_dir, settings):
    settings.DATA_DIR = Path(os.getcwd()) / "var"

    assert "kept in var/outbox/ " in outbox.where_mail_goes()
