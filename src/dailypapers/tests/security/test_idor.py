"""Object-level permissions across every object type: Bob can reach none of Alice's things.

Collections (private ones answer 404 to others), comments, API tokens, topics,
subscriptions (signed links name one subscriber) and For you feeds. Each attempt is made
the way an attacker would: by id or slug, through pages, feeds, exports and the API.
"""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.api.tokens import create_token
from dailypapers.digests import links
from dailypapers.digests.models import Subscriber
from dailypapers.feed.community.services.collections import add_paper, create_collection
from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.models import Collection, CollectionItem, Comment, Topic
from dailypapers.feed.personal_feed import feed_token
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-4711"


def person(email: str) -> User:
    return User.objects.create_user(email, PASSWORD, email_verified_at=timezone.now())


@pytest.fixture
def alice() -> User:
    return person("alice@example.org")


@pytest.fixture
def bob_browser() -> tuple[User, Client, str]:
    bob = person("bob@example.org")
    browser = Client()
    browser.force_login(bob)
    _token, secret = create_token(bob, "bob's script")
    return bob, browser, secret


def test_a_private_collection_is_404_everywhere_to_others(alice, bob_browser):
    _bob, browser, secret = bob_browser
    paper = store_paper("2501.00001")
    private = create_collection(alice, "Secret reading", is_public=False)
    add_paper(private, paper)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for path in (
        f"/u/{alice.pk}/collections/{private.slug}/",
        f"/collections/{alice.pk}/{private.slug}/bibtex",
        f"/feeds/collections/{alice.pk}/{private.slug}/rss",
    ):
        assert browser.get(path).status_code == 404, path
        assert Client().get(path).status_code == 404, path
    api = Client().get(f"/api/v1/collections/{alice.pk}/{private.slug}", **bearer)
    assert api.status_code == 404


def test_others_cannot_change_a_collection_by_its_id(alice, bob_browser):
    _bob, browser, _secret = bob_browser
    paper = store_paper("2501.00001")
    theirs = create_collection(alice, "Alice's list", is_public=True)
    assert browser.post(f"/collections/{theirs.pk}/edit/", {"name": "pwned"}).status_code == 404
    assert browser.post(f"/collections/{theirs.pk}/delete/").status_code == 404
    browser.post("/collections/add/", {"paper": paper.arxiv_id, "collection": theirs.pk})
    browser.post("/collections/remove/", {"paper": paper.arxiv_id, "collection": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.name == "Alice's list"
    assert not CollectionItem.objects.filter(collection=theirs).exists()
    assert Collection.objects.filter(pk=theirs.pk).exists()


def test_others_cannot_edit_or_delete_a_comment(alice, bob_browser):
    _bob, browser, _secret = bob_browser
    comment = post_comment(alice, store_paper("2501.00001"), "Alice's words")
    assert browser.post(f"/comments/{comment.pk}/edit/", {"body": "x"}).status_code in (403, 404)
    assert browser.post(f"/comments/{comment.pk}/delete/").status_code in (403, 404)
    assert browser.post(f"/comments/{comment.pk}/hide/").status_code == 403  # not a curator
    comment = Comment.objects.get(pk=comment.pk)
    assert comment.body == "Alice's words" and not comment.is_deleted and not comment.is_hidden


def test_others_cannot_revoke_a_token(alice, bob_browser):
    _bob, browser, _secret = bob_browser
    token, alice_secret = create_token(alice, "alice's script")
    browser.post(f"/accounts/settings/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.is_active
    assert (
        Client()
        .get("/api/v1/me/collections", HTTP_AUTHORIZATION=f"Bearer {alice_secret}")
        .status_code
        == 200
    )


def test_others_cannot_edit_a_topic(alice, bob_browser):
    _bob, browser, _secret = bob_browser
    topic = Topic.objects.create(name="Graphs", slug="graphs", query="graph", created_by=alice)
    response = browser.post("/topics/graphs/edit/", {"name": "pwned", "query": "x"})
    assert response.status_code == 403
    assert browser.post("/topics/graphs/feature/").status_code == 403
    topic.refresh_from_db()
    assert topic.name == "Graphs" and not topic.is_featured


def test_a_signed_link_of_one_subscriber_opens_only_that_subscriber(bob_browser):
    mine = Subscriber.objects.create(email="bob@example.org", confirmed_at=timezone.now())
    theirs = Subscriber.objects.create(email="alice@example.org", confirmed_at=timezone.now())
    # Bob changes the id inside his own token: the signature no longer matches.
    value = signing.Signer(salt=links.MANAGE_SALT).unsign(
        links.manage_token(mine.pk, mine.link_key)
    )
    forged = (
        f"{theirs.pk}.{value.partition('.')[2]}:"
        + links.manage_token(mine.pk, mine.link_key).rpartition(":")[2]
    )
    assert Client().get(f"/digests/preferences/{forged}/").status_code == 404
    assert Client().post(f"/digests/unsubscribe/{forged}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.unsubscribed_at is None


def test_a_for_you_feed_is_opened_by_its_own_token_only(alice, bob_browser):
    bob, browser, secret = bob_browser
    alice_feed = feed_token(alice.pk)
    # One character changed (never to itself: a token ends in "x" one time in 64).
    altered = alice_feed[:-1] + ("y" if alice_feed.endswith("x") else "x")
    assert browser.get(f"/feeds/for-you/{altered}/rss").status_code == 404
    assert browser.get(f"/feeds/for-you/{alice_feed}/rss").status_code == 200
    assert browser.get(f"/feeds/for-you/{feed_token(bob.pk)}/rss").status_code == 200
    mine = Client().get("/api/v1/for-you", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert mine.status_code == 200  # Bob's own list; nothing names another member
