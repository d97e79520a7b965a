"""Personal API tokens: created on the settings page, stored as a digest, revoked there."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.sessions.models import Session

from dailypapers.api.models import ApiToken
from dailypapers.api.tokens import create_token
from dailypapers.testing.factories import make_member, store_detailed_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(client):
    user = make_member()
    client.force_login(user)
    return user


def new_token(client, name: str = "my script") -> str:
    response = client.post("/accounts/settings/api-tokens/", {"name": name})
    return response.context["new_api_token"]["secret"]


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(client, ada):
    page = client.post("/accounts/settings/api-tokens/", {"name": "my script"})
    assert page.status_code == 200  # the settings page, with the secret, in this answer
    assert "no-store" in page["Cache-Control"]
    secret = page.context["new_api_token"]["secret"]
    assert secret.startswith("dp_") and secret in page.text
    # Never kept server-side, not even in the session until the next page view.
    assert all(secret not in str(s.get_decoded()) for s in Session.objects.all())

    stored = ApiToken.objects.get(user=ada)
    assert stored.name == "my script"
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.prefix, stored.digest) and secret.startswith(stored.prefix)
    again = client.get("/accounts/settings/")
    assert secret not in again.text
    assert stored.prefix in again.text and "my script" in again.text


def test_a_token_acts_as_its_member(client, ada):
    paper = store_detailed_paper("2501.00001")
    secret = new_token(client)
    client.logout()

    response = client.post(
        "/api/v1/papers/2501.00001/upvote", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 200, response.content
    assert paper.votes.get().user == ada
    assert ApiToken.objects.get(user=ada).last_used_at is not None


def test_a_revoked_token_gets_401_in_the_error_format(client, ada):
    store_detailed_paper("2501.00001")
    secret = new_token(client)
    token = ApiToken.objects.get(user=ada)
    response = client.post(f"/accounts/settings/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert "no longer works" in client.get(response["Location"]).text
    client.logout()

    for method in (client.post, client.get):
        path = "/api/v1/papers/2501.00001" + ("/upvote" if method == client.post else "")
        answer = method(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "token_revoked"
        assert answer["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_of_ours_is_refused_even_on_reads(client):
    store_detailed_paper("2501.00001")
    response = client.get("/api/v1/papers/2501.00001", HTTP_AUTHORIZATION="Bearer dp_nope_xyz")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_another_services_token_is_ignored_on_reads_and_refused_on_writes(client):
    store_detailed_paper("2501.00001")
    hub_token = "Bearer hf_abcdefghijklmnop"
    assert client.get("/api/v1/papers/2501.00001", HTTP_AUTHORIZATION=hub_token).status_code == 200
    response = client.post("/api/v1/papers/2501.00001/upvote", HTTP_AUTHORIZATION=hub_token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_nobody_can_revoke_another_members_token(client, ada):
    grace = make_member("grace@example.org", "Grace")
    token, _secret = create_token(grace, "hers")
    client.post(f"/accounts/settings/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.is_active


def test_a_member_cannot_hold_more_tokens_than_the_limit(client, ada, settings):
    settings.API_TOKENS_PER_MEMBER = 2
    new_token(client, "one")
    new_token(client, "two")
    page = client.post("/accounts/settings/api-tokens/", {"name": "three"}, follow=True)
    assert "Revoke one you no longer use" in page.text
    assert ApiToken.objects.filter(user=ada).count() == 2


def test_tokens_need_a_signed_in_member_and_a_post(client):
    response = client.post("/accounts/settings/api-tokens/", {"name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    member_user = make_member()
    client.force_login(member_user)
    assert client.get("/accounts/settings/api-tokens/").status_code == 405
    assert not ApiToken.objects.exists()
