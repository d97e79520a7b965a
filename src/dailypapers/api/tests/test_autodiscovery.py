"""Pages announce their feeds with <link rel="alternate"> for feed readers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_links_the_daily_feed_in_rss_and_atom(client):
    body = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in body and 'href="/feeds/daily/rss' in body
    assert 'type="application/atom+xml"' in body and 'href="/feeds/daily/atom' in body


def test_the_trending_page_also_links_the_trending_feed(client):
    body = client.get("/trending/").content.decode()
    assert 'href="/feeds/trending/rss' in body
    assert 'href="/feeds/daily/rss' in body
