"""Feeds of topics, saved searches and a member's For you list: valid, complete, private."""

from __future__ import annotations

import feedparser
import pytest

from dailypapers.feed.personal_feed import feed_token, regenerate_feed_token
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_topic, make_user, make_votes, store_titled_paper

pytestmark = pytest.mark.django_db
FORMATS = ["rss", "atom"]


@pytest.fixture
def papers() -> None:
    store_titled_paper(
        "2503.00001", "Graph networks for molecules", authors=["Ada Lovelace", "Alan Turing"]
    )
    store_titled_paper("2503.00002", "Graph transformers", categories=["cs.CL"])
    store_titled_paper("2503.00003", "Dark matter halos", categories=["astro-ph.CO"])


def parsed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_topic_feed_carries_its_papers_with_authors_abstracts_links_and_dates(
    client, papers, fmt
):
    make_topic("Graphs", query="graph", description="Learning on graphs.")
    feed = parsed(client, f"/feeds/topics/graphs/{fmt}")
    assert "Graphs" in feed.feed.title and feed.feed.link == "http://testserver/topics/graphs/"
    assert {entry.title for entry in feed.entries} == {
        "Graph networks for molecules",
        "Graph transformers",
    }
    entry = next(e for e in feed.entries if e.title == "Graph networks for molecules")
    assert entry.author == "Ada Lovelace, Alan Turing"
    assert "We study graph networks for molecules." in entry.summary
    assert entry.link == "http://testserver/papers/2503.00001/"
    assert "https://arxiv.org/abs/2503.00001" in {link.href for link in entry.links}
    assert entry.published_parsed[:3] == (2025, 3, 12)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_saved_search_feed_lists_the_newest_matches(client, papers, fmt):
    feed = parsed(client, f"/feeds/search/{fmt}?q=graph&category=cs.CL")
    assert [entry.title for entry in feed.entries] == ["Graph transformers"]
    assert "graph in cs.CL" in feed.feed.title
    assert feed.feed.link.startswith("http://testserver/search/?q=graph&category=cs.CL")


def test_a_saved_search_feed_with_a_bad_category_is_a_clear_400(client, papers):
    response = client.get("/feeds/search/rss?q=graph&category=nonsense!")
    assert response.status_code == 400 and "not an arXiv category" in response.content.decode()


def test_feeds_of_unknown_topics_are_404(client):
    assert client.get("/feeds/topics/nothing/rss").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_for_you_feed_carries_the_members_picks_and_reasons(client, papers, fmt):
    ada = make_user()
    make_votes(ada, Paper.objects.get(arxiv_id="2503.00001"))
    response = client.get(f"/feeds/for-you/{feed_token(ada.pk)}/{fmt}")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.entries[0].title == "Graph transformers"
    assert "Because you upvoted" in feed.entries[0].summary
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_a_regenerated_for_you_address_replaces_the_old_one(client, papers):
    ada = make_user()
    old = feed_token(ada.pk)
    new = regenerate_feed_token(ada.pk)
    assert client.get(f"/feeds/for-you/{old}/rss").status_code == 404
    assert client.get(f"/feeds/for-you/{new}/rss").status_code == 200
    assert client.get("/feeds/for-you/made-up-token/atom").status_code == 404


def test_a_topic_page_announces_its_feeds_for_autodiscovery(client, papers):
    make_topic("Graphs", query="graph")
    html = client.get("/topics/graphs/").content.decode()
    atom = '<link rel="alternate" type="application/atom+xml" title="Graphs (Atom)"'
    assert f'{atom} href="/feeds/topics/graphs/atom">' in html


def test_a_search_page_announces_the_feed_of_that_search(client, papers):
    html = client.get("/search/?q=graph&category=cs.CL&code=1&sort=newest").content.decode()
    rss = '<link rel="alternate" type="application/rss+xml" title="Search: graph (RSS)"'
    assert f'{rss} href="/feeds/search/rss?q=graph&amp;category=cs.CL&amp;code=1">' in html
    empty = client.get("/search/").content.decode()
    assert "/feeds/search/" not in empty and "/feeds/daily/rss" in empty
