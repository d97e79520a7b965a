"""/feeds/opml: a member's feeds in one file for a feed reader."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from dailypapers.feed.models import Collection, Topic, TopicFollow
from dailypapers.testing.factories import make_member

pytestmark = pytest.mark.django_db


def test_the_opml_lists_the_site_feeds_categories_and_public_collections(client, settings):
    settings.ARXIV_CATEGORIES = ["cs.LG", "cs.CL"]
    ada = make_member()
    Collection.objects.create(owner=ada, name="Shared list", slug="shared", is_public=True)
    Collection.objects.create(owner=ada, name="Secret list", slug="secret", is_public=False)
    client.force_login(ada)

    response = client.get("/feeds/opml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-opml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "opml" and root.get("version") == "2.0"
    feeds = {o.get("text"): o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert feeds["Daily papers"] == "http://testserver/feeds/daily/rss"
    assert feeds["Trending"] == "http://testserver/feeds/trending/rss"
    assert feeds["cs.CL"] == "http://testserver/feeds/categories/cs.CL/rss"
    assert feeds["Collection: Shared list"] == (
        f"http://testserver/feeds/collections/{ada.pk}/shared/rss"
    )
    assert "Collection: Secret list" not in feeds  # a private list has no feed
    assert feeds["For you"].startswith("http://testserver/feeds/for-you/")


def test_the_opml_lists_the_topics_the_member_follows(client):
    ada = make_member()
    topic = Topic.objects.create(name="Graph learning", slug="graphs", query="graph")
    TopicFollow.objects.create(user=ada, topic=topic)
    client.force_login(ada)

    root = ElementTree.fromstring(client.get("/feeds/opml").content)

    feeds = {o.get("text"): o for o in root.iter("outline") if o.get("xmlUrl")}
    graphs = feeds["Topic: Graph learning"]
    assert graphs.get("xmlUrl") == "http://testserver/feeds/topics/graphs/rss"
    assert graphs.get("htmlUrl") == "http://testserver/topics/graphs/"


def test_every_feed_the_opml_names_answers(client):
    ada = make_member()
    Collection.objects.create(owner=ada, name="Shared list", slug="shared", is_public=True)
    topic = Topic.objects.create(name="Graph learning", slug="graphs", query="graph")
    TopicFollow.objects.create(user=ada, topic=topic)
    client.force_login(ada)
    root = ElementTree.fromstring(client.get("/feeds/opml").content)
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    assert urls
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_the_opml_needs_a_signed_in_member(client):
    response = client.get("/feeds/opml")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
