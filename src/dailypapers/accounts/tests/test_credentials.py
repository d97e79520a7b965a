"""Account pre-hijacking: taking an account over revokes what was made before (issue 16 #3)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from dailypapers.accounts import tokens
from dailypapers.accounts.models import User
from dailypapers.api.tokens import create_token
from dailypapers.feed.personal_feed import feed_token, user_for_feed_token

pytestmark = pytest.mark.django_db
PASSWORD = "attacker passphrase 4711"
NEW_PASSWORD = "owner passphrase 0815 x"


@pytest.fixture(autouse=True)
def local_mail(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def api_token_works(client: Client, secret: str) -> bool:
    response = client.get("/api/v1/me/collections", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code == 200


def attacker_setup() -> tuple[User, Client, str, str]:
    """An account whose token and feed address were made by the first holder, then
    verified (only verified members may make tokens; ordering does not matter here)."""
    victim = User.objects.create_user(
        "victim@example.org", PASSWORD, email_verified_at=timezone.now()
    )
    attacker = Client()
    attacker.force_login(victim)
    _token, secret = create_token(victim, "attacker's script")
    victim.email_verified_at = None
    victim.save()
    return victim, attacker, secret, feed_token(victim.pk)


def test_a_password_reset_revokes_tokens_feed_address_and_other_sessions(client):
    victim, attacker, secret, feed = attacker_setup()
    client.post("/accounts/password/reset/", {"email": "victim@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[-1].body)
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not api_token_works(Client(), secret)
    assert user_for_feed_token(feed) is None
    assert "_auth_user_id" not in attacker.session.load()


def test_the_first_email_verification_revokes_what_was_made_before(client):
    victim, attacker, secret, feed = attacker_setup()
    link = f"/accounts/verify/{tokens.make_verification_token(victim)}/"
    assert client.get(link).status_code == 200  # the page with the button verifies nothing
    assert api_token_works(Client(), secret)
    response = client.post(link)
    assert response.status_code == 200
    assert not api_token_works(Client(), secret)
    assert user_for_feed_token(feed) is None
    assert attacker.get("/accounts/settings/").status_code == 302  # signed out


def test_a_password_change_keeps_this_session_and_ends_the_others(client):
    owner = User.objects.create_user(
        "owner@example.org", PASSWORD, email_verified_at=timezone.now()
    )
    other_device = Client()
    other_device.force_login(owner)
    _token, secret = create_token(owner, "laptop")
    client.force_login(owner)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/accounts/settings/").status_code == 200
    assert other_device.get("/accounts/settings/").status_code == 302
    assert not api_token_works(Client(), secret)


def test_an_unverified_member_cannot_make_an_api_token(client):
    member = User.objects.create_user("new@example.org", PASSWORD)
    member.email_verified_at = None
    member.save()
    client.force_login(member)
    client.post("/accounts/settings/api-tokens/", {"name": "script"})
    page = client.get("/accounts/settings/").content.decode()
    assert "Confirm your email address first" in page
    assert not member.api_tokens.exists()
