"""The scripted arXiv the client and ingest tests talk to (fake_arxiv.py) does what they assume."""

from __future__ import annotations

import http.client

import pytest

from dailypapers.lib.arxiv.client import ArxivHttpError, PoliteClient
from dailypapers.lib.tests.fake_arxiv import FakeArxiv

FEED = "<feed><entry>x</entry></feed>"


@pytest.fixture
def arxiv():
    with FakeArxiv() as fake:
        yield fake


def test_fake_arxiv_serves_oai_pages_by_query_and_each_page_repeats(arxiv):
    arxiv.add("/oai2", "page1", query={"verb": "ListRecords"})
    arxiv.add("/oai2", "page2", query={"resumptionToken": "t1"})
    first = {"verb": "ListRecords", "metadataPrefix": "arXiv"}
    then = {"verb": "ListRecords", "resumptionToken": "t1"}
    with PoliteClient(user_agent="dailypapers-tests", min_interval=0.0, timeout=5.0) as c:
        bodies = [c.get(arxiv.url + "/oai2", q).body for q in (first, then, first, then)]
    assert bodies == [b"page1", b"page2", b"page1", b"page2"]


def test_fake_arxiv_prefers_the_query_that_names_more_parameters(arxiv):
    arxiv.add("/api/query", "specific", query={"id_list": "1", "max_results": "1"})
    arxiv.add("/api/query", "general", query={"id_list": "1"})
    with PoliteClient(user_agent="dailypapers-tests", min_interval=0.0, timeout=5.0) as c:
        assert c.get(arxiv.url + "/api/query?id_list=1&max_results=1").body == b"specific"
        assert c.get(arxiv.url + "/api/query?id_list=1").body == b"general"


def test_fake_arxiv_times_limits_answers_then_falls_through_to_404(arxiv):
    arxiv.add("/rss/cs.LG", FEED, times=2)
    with PoliteClient(user_agent="dailypapers-tests", min_interval=0.0, timeout=5.0) as c:
        c.get(arxiv.url + "/rss/cs.LG")
        c.get(arxiv.url + "/rss/cs.LG")
        with pytest.raises(ArxivHttpError, match="404"):
            c.get(arxiv.url + "/rss/cs.LG")


def test_fake_arxiv_records_post_form_arguments_as_query(arxiv):
    arxiv.add("/oai2", "page1", query={"verb": "Identify"})
    conn = http.client.HTTPConnection("127.0.0.1", int(arxiv.url.rsplit(":", 1)[1]), timeout=5)
    try:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/oai2", body="verb=Identify", headers=form)
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"page1")
    finally:
        conn.close()
    [request] = arxiv.requests
    assert (request.method, request.query) == ("POST", {"verb": "Identify"})
    assert request.body == b"verb=Identify"
