"""The For you page: picks with reasons, cold start wording, and the secret feed address."""

from __future__ import annotations

import pytest

from dailypapers.feed.models import PersonalFeedToken
from dailypapers.feed.personal_feed import feed_token, regenerate_feed_token, user_for_feed_token
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_user, make_votes, store_titled_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers() -> None:
    store_titled_paper("2503.00001", "Graph networks for molecules")
    store_titled_paper("2503.00002", "Dark matter halos", categories=["astro-ph.CO"])
    store_titled_paper("2503.00003", "Graph networks for proteins")


def test_visitors_are_asked_to_log_in(client):
    response = client.get("/for-you/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_picks_with_their_reasons_and_a_private_feed_address(client, papers):
    ada = make_user()
    make_votes(ada, Paper.objects.get(arxiv_id="2503.00001"))
    client.force_login(ada)
    response = client.get("/for-you/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Graph networks for proteins" in html
    assert "Because you upvoted “Graph networks for molecules”" in html
    token = feed_token(ada.pk)
    assert f"http://testserver/feeds/for-you/{token}/rss" in html
    assert f'href="/feeds/for-you/{token}/atom"' not in html  # absolute in autodiscovery
    assert f'href="http://testserver/feeds/for-you/{token}/atom"' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_member_with_nothing_to_learn_from_is_told_how_it_works(client, papers):
    client.force_login(make_user())
    html = client.get("/for-you/").content.decode()
    assert "this page learns what you like" in html
    assert "Graph networks for molecules" in html  # recent papers still listed


def test_regenerating_the_address_retires_the_old_one(client):
    ada = make_user()
    client.force_login(ada)
    old = feed_token(ada.pk)
    response = client.post("/for-you/feed-address/")
    assert response.status_code == 302 and response["Location"] == "/for-you/#feed"
    new = feed_token(ada.pk)
    assert new != old and user_for_feed_token(old) is None and user_for_feed_token(new) == ada
    assert client.get("/for-you/feed-address/").status_code == 405


def test_tokens_are_made_once_and_unknown_ones_open_nothing():
    ada = make_user()
    assert feed_token(ada.pk) == feed_token(ada.pk)
    assert len(feed_token(ada.pk)) >= 32
    assert regenerate_feed_token(make_user("b@example.org").pk)  # no token yet: makes one
    assert user_for_feed_token("") is None and user_for_feed_token("x" * 100) is None
    stored = PersonalFeedToken.objects.get(user=ada)
    assert feed_token(ada.pk) not in (stored.nonce, stored.digest)  # not kept in the clear
    ada.is_active = False
    ada.save()
    assert user_for_feed_token(feed_token(ada.pk)) is None
