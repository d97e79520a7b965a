"""Any query, of any length or bytes, on the site's search and both search APIs: a page or a
clear message, never a server error and never a slow query (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from dailypapers.core.middleware import MAX_URI_LENGTH
from dailypapers.testing.factories import store_paper

SYNTAX = st.sampled_from(
    ['"', "-", "author:", "cat:", "cat:cs.LG", " OR ", " AND ", "NEAR/3", "*", "(", ")", ":",
     "^", "\x00", "🤖", "\u200b", "“", "\\", "'", " ", "NOT ", "{", "+", " the ", " of ",
     " graph ", " kalman ", "-cat:", "ti:", "%", "\ue000", "\ud7ff", "é"]
)  # fmt: skip
QUERIES = st.lists(st.one_of(st.text(max_size=12), SYNTAX), max_size=40).map("".join)
SURFACES = ("/search/", "/api/v1/search", "/api/papers/search")
# Far above what any of these takes on a tiny corpus, even on a loaded machine: a query
# that scanned or looped would blow it.
SLOW_SECONDS = 5.0


class TestAnySearchInput(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        store_paper("2501.00001", title="Graph neural networks", abstract="Message passing <b>.")
        store_paper("2501.00002", title="Kalman filters", categories=["stat.ML"], day=None)

    def _check(self, query: str) -> None:
        for surface in SURFACES:
            started = time.perf_counter()
            response = self.client.get(surface, {"q": query})
            took = time.perf_counter() - started
            assert took < SLOW_SECONDS, (surface, query, took)
            assert response.status_code < 500, (surface, query, response.status_code)
            if "\x00" in query:
                assert response.status_code == 400 and b"NUL" in response.content
                continue
            if len(f"{surface}?{urlencode({'q': query})}") > MAX_URI_LENGTH:
                # Refused before any view, as gunicorn refuses a request line this long.
                assert response.status_code == 414 and b"characters" in response.content
                continue
            if surface == "/search/":
                assert response.status_code == 200
                continue
            assert response.status_code in (200, 400, 422), (surface, response.status_code)
            if response.status_code != 200:
                assert response.json()["error"]["message"], (surface, query)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(QUERIES)
    @example('"unbalanced quote')
    @example('author:"')
    @example("the of and with to")
    @example("OR " * 3400)  # 10 KB of operators
    @example('(" -"' * 2000)
    @example("graph\x00neural")
    @example("-graph")
    def test_any_query_gets_results_or_a_clear_message_never_a_server_error(self, query):
        self._check(query)

    def test_only_stop_words_say_so_on_every_surface(self):
        page = self.client.get("/search/", {"q": "the of and"})
        assert "too common" in page.content.decode()
        for surface in SURFACES[1:]:
            response = self.client.get(surface, {"q": "the of and"})
            assert response.status_code == 400
            assert "too common" in response.json()["error"]["message"]

    def test_a_query_over_the_length_limit_is_refused_with_its_length(self):
        page = self.client.get("/search/", {"q": "graph " * 200})
        assert "characters long" in page.content.decode()
        for surface in SURFACES[1:]:
            response = self.client.get(surface, {"q": "graph " * 200})
            assert response.status_code in (400, 422)
            assert response.json()["error"]["message"]
