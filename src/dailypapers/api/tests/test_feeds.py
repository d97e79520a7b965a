"""RSS 2.0 and Atom feeds: each parses cleanly and carries what a reader needs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import feedparser
import pytest
from django.template import Context, Template

from dailypapers.feed.models import Curation
from dailypapers.papers.models import Author
from dailypapers.testing.factories import (
    DETAILED_DAY,
    make_curation,
    make_member,
    make_reading_list,
    make_submission,
    set_counters,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}


def parsed(client, url: str, fmt: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    headers = {"content-type": response["Content-Type"]}  # so a charset mismatch shows
    feed = feedparser.parse(response.content, response_headers=headers)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    return feed


@pytest.fixture
def papers() -> None:
    store_detailed_paper(
        "2501.00001",
        title="Sparse attention",
        abstract="We sparsify <everything> & more.\x0c Code: github.com/ada/sparse",
        categories=["cs.LG", "cs.CL"],
    )
    set_counters(store_detailed_paper("2501.00002", day=date(2025, 1, 7)), trending_score=2.0)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_the_daily_feed_carries_the_latest_days_papers_with_links_and_dates(client, papers, fmt):
    feed = parsed(client, f"/feeds/daily/{fmt}", fmt)
    assert "8 January 2025" in feed.feed.title
    assert feed.feed.link == "http://testserver/day/2025-01-08/"
    [entry] = feed.entries
    assert entry.title == "Sparse attention"
    assert entry.link == "http://testserver/papers/2501.00001/"
    assert entry.author == "Ada Lovelace, Alan Turing"
    assert "We sparsify &lt;everything&gt; &amp; more." in entry.summary
    hrefs = {link.href for link in entry.links}
    assert {"https://arxiv.org/abs/2501.00001", "https://arxiv.org/pdf/2501.00001"} <= hrefs
    assert "https://arxiv.org/abs/2501.00001" in entry.summary
    assert entry.published_parsed[:3] == (2025, 1, 8)
    assert {tag.term for tag in entry.tags} == {"cs.LG", "cs.CL"}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_the_trending_feed_lists_rising_papers_first_then_the_quiet_site_fallback(
    client, papers, fmt
):
    feed = parsed(client, f"/feeds/trending/{fmt}", fmt)
    # One scored paper is a thin signal: the latest papers follow it, as on /trending/.
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/papers/2501.00002/",
        "http://testserver/papers/2501.00001/",
    ]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_category_feed_includes_cross_lists(client, papers, fmt):
    feed = parsed(client, f"/feeds/categories/cs.CL/{fmt}", fmt)
    assert [entry.title for entry in feed.entries] == ["Sparse attention"]
    assert feed.feed.link == "http://testserver/categories/cs.CL/"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_an_author_feed_lists_their_papers_newest_first(client, papers, fmt):
    ada = Author.objects.get(name="Ada Lovelace")
    feed = parsed(client, f"/feeds/authors/{ada.pk}/{fmt}", fmt)
    assert [entry.title for entry in feed.entries] == ["Sparse attention", "Paper 2501.00002"]
    assert "Ada Lovelace" in feed.feed.title


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_public_collection_feed_lists_its_papers(client, papers, fmt):
    owner = make_member()
    make_reading_list(owner, [store_detailed_paper("2501.00003")])
    feed = parsed(client, f"/feeds/collections/{owner.pk}/reading/{fmt}", fmt)
    assert [entry.title for entry in feed.entries] == ["Paper 2501.00003"]
    assert "Reading list" in feed.feed.title and "Ada" in feed.feed.title


def test_a_feed_reader_polling_an_unchanged_feed_gets_304(client, papers):
    first = client.get("/feeds/daily/atom")
    assert first["Access-Control-Allow-Origin"] == "*"
    again = client.get("/feeds/daily/atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get("/feeds/daily/atom", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    set_counters(store_detailed_paper("2501.00003"), upvote_count=4)
    assert client.get("/feeds/daily/atom", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_hidden_paper_stays_off_the_daily_feed(client, papers):
    make_curation(store_detailed_paper("2501.00009"), Curation.HIDDEN)
    feed = parsed(client, "/feeds/daily/rss", "rss")
    assert [entry.title for entry in feed.entries] == ["Sparse attention"]


def test_a_submitted_paper_is_dated_by_its_submission(client):
    make_submission(store_detailed_paper("2401.00001", day=date(2024, 1, 2)), make_member())
    [entry] = parsed(client, "/feeds/daily/atom", "atom").entries
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == datetime(
        DETAILED_DAY.year, DETAILED_DAY.month, DETAILED_DAY.day, 9, 15, 30, tzinfo=UTC
    )


def test_feeds_of_an_empty_site_are_valid_and_empty(client):
    for fmt in ("rss", "atom"):
        assert parsed(client, f"/feeds/daily/{fmt}", fmt).entries == []


@pytest.mark.parametrize(
    "url",
    ["/feeds/authors/424242/rss", "/feeds/categories/Not_A_Category/atom",
     "/feeds/collections/1/nothing/rss", "/feeds/daily/json"],
)  # fmt: skip
def test_feeds_of_things_that_do_not_exist_are_404(client, url):
    assert client.get(url).status_code == 404


def test_a_private_collection_has_no_feed(client):
    owner = make_member()
    make_reading_list(owner, [store_detailed_paper("2501.00001")], public=False)
    assert client.get(f"/feeds/collections/{owner.pk}/reading/rss").status_code == 404


def test_a_feed_costs_the_same_queries_for_two_papers_as_for_twenty(
    client, django_assert_num_queries
):
    store_detailed_paper("2501.00001")
    store_detailed_paper("2501.00002")
    with django_assert_num_queries(2) as small:  # the latest day, then its papers
        client.get("/feeds/daily/rss")
    for number in range(10, 30):
        store_detailed_paper(f"2501.000{number}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/feeds/daily/rss")


# What the lead adds to the pages' <head> (see the report): checked here so it stays right.
CATEGORY_BLOCK = (
    "{% url 'feeds:category' category 'rss' as rss %}"
    "{% url 'feeds:category' category 'atom' as atom %}"
    '{% if rss %}{% include "api/_alternate.html" with title=category %}{% endif %}'
)


def test_the_autodiscovery_snippet_links_both_formats_of_a_pages_feed():
    html = Template(CATEGORY_BLOCK).render(Context({"category": "cs.LG"}))
    assert (
        '<link rel="alternate" type="application/rss+xml" title="cs.LG (RSS)" '
        'href="/feeds/categories/cs.LG/rss">'
    ) in html
    assert (
        '<link rel="alternate" type="application/atom+xml" title="cs.LG (Atom)" '
        'href="/feeds/categories/cs.LG/atom">'
    ) in html
