"""The search page at /search/: the form, results, messages, and that any input gives a page."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from dailypapers.accounts.models import User
from dailypapers.core.middleware import MAX_URI_LENGTH
from dailypapers.search.backends import (
    common,
    postgres_fts,
    postgres_ranked,
    sqlite_fts,
    sqlite_ranked,
)
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db
URL = "/search/"


def page(client, **params: object) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_is_named_search_in_the_search_namespace():
    assert reverse("search:search") == URL


def test_the_empty_page_shows_a_labelled_form_and_how_to_search(client):
    body = page(client)
    for control in ("q", "category", "from", "to", "sort", "code"):
        assert f'<label for="{control}">' in body and f'id="{control}"' in body
    assert 'role="search"' in body and 'method="get"' in body
    assert "author:Hinton" in body and "No papers match" not in body


def test_results_show_titles_links_and_the_marked_passage(client):
    store_paper("2501.00001", title="Sparse autoencoders", abstract="We train sparse autoencoders.")
    body = page(client, q="autoencoders")
    assert "1 paper" in body
    assert 'href="/papers/2501.00001/">Sparse autoencoders</a>' in body
    assert "<mark>autoencoders</mark>" in body


def test_paper_text_is_escaped_in_titles_and_passages(client):
    store_paper(
        "2501.00001", title="<b>Bold</b> claims", abstract="Claims <img src=x onerror=alert(1)>."
    )
    body = page(client, q="claims")
    assert "<b>Bold</b>" not in body and "<img src=x" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body


def test_the_form_keeps_what_was_asked(client):
    body = page(client, q='"graph neural" -survey', category="cs.LG", code="1", sort="newest",
                **{"from": "2025-01-01", "to": "2025-02-01"})  # fmt: skip
    assert 'value="&quot;graph neural&quot; -survey"' in body
    assert 'value="cs.LG"' in body and 'value="2025-01-01"' in body and 'value="2025-02-01"' in body
    assert 'value="newest" selected' in body and 'name="code" value="1" checked' in body


def test_filters_from_the_form_narrow_the_results(client):
    store_paper("2501.00001", day=date(2025, 1, 6), title="Bandits", categories=["cs.LG"])
    store_paper("2501.00002", day=date(2025, 2, 6), title="Bandits", categories=["stat.ML"])
    body = page(client, q="bandits", category="stat.ML", **{"from": "2025-02-01"})
    assert "2501.00002" in body and "2501.00001" not in body


def test_no_results_says_so_and_suggests_what_to_change(client):
    store_paper("2501.00001", title="Bandits")
    assert "No papers match this search" in page(client, q="zebrafish")


def test_a_bad_query_is_explained_above_the_form_results(client):
    body = page(client, q="-survey")
    assert 'role="alert"' in body and "Add something to look for" in body


def test_a_date_that_is_not_a_date_is_explained_and_nothing_is_searched(client):
    store_paper("2501.00001", title="Bandits")
    body = page(client, q="bandits", **{"from": "2025-13-45"})
    assert "The “from” date must be a day written like 2025-01-31." in body
    assert "2501.00001" not in body


def test_results_come_in_pages_with_links_that_keep_the_query(client):
    for number in range(1, 24):
        store_paper(f"2501.{number:05d}", day=date(2025, 1, 1 + number % 28), title="Bandits")
    first = page(client, q="bandits", sort="newest")
    assert "23 papers" in first and "Page 1 of 2" in first
    assert 'href="?q=bandits&amp;sort=newest&amp;page=2"' in first
    second = page(client, q="bandits", sort="newest", page="2")
    assert '<ol class="papers" start="21">' in second and "Page 2 of 2" in second


def test_a_page_past_the_end_shows_the_last_page(client):
    store_paper("2501.00001", title="Bandits")
    body = page(client, q="bandits", page="99")
    assert "2501.00001" in body


def test_a_capped_count_reads_more_than(client, monkeypatch):
    for module in (common, sqlite_fts, postgres_fts, sqlite_ranked, postgres_ranked):
        monkeypatch.setattr(module, "COUNT_LIMIT", 2)
    for number in range(1, 4):
        store_paper(f"2501.0000{number}", title="Bandits")
    assert "More than 2 papers" in page(client, q="bandits")


def test_notes_about_how_the_query_was_read_are_shown(client):
    store_paper("2501.00001", title="Cats and dogs")
    assert "is not needed here" in page(client, q="cats OR dogs")


def test_members_see_their_votes_on_results(client):
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada")
    client.force_login(member)
    store_paper("2501.00001", title="Bandits")
    assert "2501.00001" in page(client, q="bandits")


def test_result_pages_ask_search_engines_not_to_index_them(client):
    assert client.get(URL, {"q": "x"}).headers["X-Robots-Tag"] == "noindex"


def test_the_number_of_queries_does_not_grow_with_the_number_of_results(client):
    store_paper("2501.00001", title="Bandits and kernels")
    for number in range(2, 7):
        store_paper(f"2501.0000{number}", title="Bandits")
    with CaptureQueriesContext(connection) as one:
        assert "1 paper" in page(client, q="kernels")
    with CaptureQueriesContext(connection) as six:
        assert "6 papers" in page(client, q="bandits")
    assert len(six) == len(one) <= 8


PARAMS = st.sampled_from(["q", "category", "from", "to", "code", "sort", "page", "x"])
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"', "-", "author:", "cat:", "cat:cs.LG", "OR", "\x00", "2025-01-01",
                     "9999-99-99", "-1", "0", "99999999999999999999", "relevance", "🤖" * 5]),
)  # fmt: skip


class TestAnyInputGivesAPage(HypothesisTestCase):
    """Random query strings through the Django test client: never a server error."""

    @classmethod
    def setUpTestData(cls) -> None:
        store_paper("2501.00001", title="Graph neural networks", abstract="Message passing <b>.")
        store_paper("2501.00002", title="Bandits", categories=["stat.ML"], day=None)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(PARAMS, VALUES, max_size=6))
    def test_random_parameters_give_a_page_and_never_a_server_error(self, params):
        response = self.client.get(URL + "?" + urlencode(params))
        if any("\x00" in value for value in params.values()):
            # Refused site-wide with a message (dailypapers.core.middleware): PostgreSQL has no NUL.
            assert response.status_code == 400 and b"NUL" in response.content
            return
        assert response.status_code == 200
        assert b"Search papers" in response.content

    @settings(max_examples=60, deadline=None)
    @given(st.text(min_size=400, max_size=12_000))
    def test_long_queries_give_a_page(self, text):
        response = self.client.get(URL, {"q": text})
        if "\x00" in text:
            assert response.status_code == 400 and b"NUL" in response.content
            return
        if len(f"{URL}?{urlencode({'q': text})}") > MAX_URI_LENGTH:
            # The site's own 414 page, as gunicorn would refuse a request line this long.
            assert response.status_code == 414 and b"too long" in response.content
            return
        assert response.status_code == 200


def test_notes_are_neutral_messages_inside_their_box_not_success_green(client):
    store_paper("2501.00001", title="Cats and dogs")
    body = page(client, q="cats OR dogs")
    assert '<ul class="messages search-notes" role="status">' in body
    assert 'class="notice"' not in body  # the green box of a success


def test_when_only_the_newest_matches_are_ordered_it_is_said_once(client, monkeypatch):
    from dailypapers.search import engine

    for module in (sqlite_fts, postgres_fts):
        monkeypatch.setattr(module, "RANK_WINDOW", 2)
    monkeypatch.setattr(engine, "MAX_RESULTS", 2)
    for number in range(1, 4):
        store_paper(f"2501.0000{number}", title="Bandits")
    trending = page(client, q="bandits", sort="trending")
    assert "only the newest 2" in trending and "the first 2 shown" not in trending
    relevance = page(client, q="bandits")
    assert "only the newest" not in relevance and "the first 2 shown, best first" in relevance
