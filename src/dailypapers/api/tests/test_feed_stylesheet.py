"""Feeds carry an XSLT stylesheet, served by the app, so a browser shows a readable page;
feed readers still parse them as before."""

from __future__ import annotations

import re
import urllib.request
import xml.etree.ElementTree as ET

import feedparser
import pytest

from dailypapers.testing.factories import store_detailed_paper

PI = re.compile(rb"<\?xml-stylesheet (?P<attrs>[^?]+)\?>")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_every_feed_names_the_sites_xsl_stylesheet_and_still_parses(client, fmt):
    store_detailed_paper("2501.00001", title="Sparse attention")
    for url in (f"/feeds/daily/{fmt}", f"/feeds/trending/{fmt}", f"/feeds/categories/cs.LG/{fmt}"):
        response = client.get(url)
        assert response.status_code == 200, url
        head = response.content[:300]
        match = PI.search(head)
        assert match, head
        assert (
            b'href="/static/api/feed.xsl"' in match["attrs"]
            and b'type="text/xsl"' in match["attrs"]
        )
        feed = feedparser.parse(
            response.content, response_headers={"content-type": response["Content-Type"]}
        )
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    assert [entry.title for entry in feed.entries] == ["Sparse attention"]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_browsers_get_a_feed_as_xml_so_the_stylesheet_applies_and_readers_keep_its_type(
    client, fmt
):
    store_detailed_paper("2501.00001", title="Sparse attention")
    browser = client.get(f"/feeds/daily/{fmt}", HTTP_ACCEPT=BROWSER_ACCEPT)
    reader = client.get(f"/feeds/daily/{fmt}", HTTP_ACCEPT=feedparser.http.ACCEPT_HEADER)
    assert browser["Content-Type"] == "application/xml; charset=utf-8"
    assert reader["Content-Type"] == f"application/{fmt}+xml; charset=utf-8"
    assert browser.content == reader.content
    assert "Accept" in browser["Vary"] and "Accept" in reader["Vary"]


@pytest.mark.django_db(transaction=True)
def test_the_xsl_stylesheet_is_served_by_the_app_as_xml(live_server):
    with urllib.request.urlopen(live_server.url + "/static/api/feed.xsl") as response:
        assert response.status == 200
        assert "xml" in response.headers["Content-Type"]
        root = ET.fromstring(response.read())
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_browser_opening_a_feed_shows_a_readable_page_of_its_papers(
    browser_page, live_server, fmt
):
    page, shots = browser_page
    store_detailed_paper("2501.00001", title="Sparse attention")
    page.goto(f"{live_server.url}/feeds/daily/{fmt}")
    shots.take(f"feed-{fmt}")
    assert page.locator("h1").inner_text().startswith("dailypapers: papers of")
    assert page.get_by_role("link", name="Sparse attention").is_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", "the site's stylesheet was applied"
