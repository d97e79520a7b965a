"""Paste anything that names a paper: the search page goes to it, the search APIs put it
first, and a paper not stored here is fetched from arXiv (here a local fake) on demand."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers.lib.arxiv import client as arxiv_client
from dailypapers.lib.named_paper import title_keys
from dailypapers.papers.models import Paper
from dailypapers.papers.title_key import TitleKey
from dailypapers.search import lookup
from dailypapers.testing.factories import arxiv_answer_with_only, store_paper

pytestmark = pytest.mark.django_db
API_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "arxiv-api"
API_PATH = "/api/query"
CLOSED_PORT_API = "http://127.0.0.1:9/api/query"  # nothing listens on port 9


@pytest.fixture
def django_settings(settings):  # pytest-django's, under a name that leaves hypothesis' free
    return settings


def empty_feed() -> bytes:
    return (API_FIXTURES / "current_2026_empty.atom.xml").read_bytes()


@pytest.mark.parametrize(
    "pasted",
    [
        "2501.01234",
        "2501.01234v2",
        "arXiv:2501.01234",
        "https://arxiv.org/abs/2501.01234v1",
        "https://arxiv.org/pdf/2501.01234v2.pdf",
        "https://arxiv.org/pdf/2501.01234",
        "https://arxiv.org/html/2501.01234v2",
        "http://export.arxiv.org/abs/2501.01234",
        "10.48550/arXiv.2501.01234",
        "https://doi.org/10.48550/arXiv.2501.01234",
    ],
)
def test_a_pasted_id_or_link_of_a_stored_paper_goes_to_its_page(client, pasted):
    store_paper("2501.01234")
    response = client.get("/search/", {"q": pasted})
    assert response.status_code == 302
    assert response["Location"] == "/papers/2501.01234/"


def test_old_style_ids_with_a_subject_class_go_to_the_paper(client):
    store_paper("math/0309136")
    response = client.get("/search/", {"q": "math.GT/0309136v1"})
    assert response["Location"] == "/papers/math/0309136/"


def test_a_pasted_doi_goes_to_the_paper_that_carries_it(client):
    store_paper("0704.0001", doi="10.1103/PhysRevD.76.013009")
    response = client.get("/search/", {"q": "https://doi.org/10.1103/physrevd.76.013009"})
    assert response["Location"] == "/papers/0704.0001/"


def test_an_exact_title_in_any_case_and_punctuation_goes_to_the_paper(client):
    store_paper("0704.0086", title="Clustering in a stochastic model of one-dimensional gas")
    store_paper("0704.0087", title="Clustering in a stochastic model of two-dimensional gas")
    pasted = "clustering in a Stochastic Model of one dimensional gas."
    response = client.get("/search/", {"q": pasted})
    assert response["Location"] == "/papers/0704.0086/"


def test_a_title_two_papers_share_shows_both_as_results(client):
    store_paper("2501.00001", title="A shared title for two different papers")
    store_paper("2501.00002", title="A Shared Title for Two Different Papers")
    response = client.get("/search/", {"q": "a shared title for two different papers"})
    assert response.status_code == 200
    assert "2501.00001" in response.content.decode()


def test_ordinary_words_and_later_pages_are_searched_as_usual(client):
    store_paper("2501.01234", title="Sorting socks with a single drawer")
    assert client.get("/search/", {"q": "sorting socks"}).status_code == 200
    assert client.get("/search/", {"q": "2501.01234", "page": "2"}).status_code == 200


def test_the_exact_title_lookup_uses_its_index():
    store_paper("0704.0086", title="Clustering in a stochastic model of one-dimensional gas")
    found = Paper.objects.alias(key=TitleKey("title")).filter(
        key__in=title_keys("Clustering in a stochastic model of one-dimensional gas")
    )
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is read whole
        explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "paper_title_key_idx" in plan
    assert [paper.arxiv_id for paper in found] == ["0704.0086"]


def test_title_and_doi_lookups_leave_the_order_to_python():
    """With ORDER BY id LIMIT n, PostgreSQL walked the primary key computing every
    paper's title key (3.5 s at 91k papers) rather than use the index."""
    store_paper("0704.0086", title="Clustering in a stochastic model of one-dimensional gas")
    store_paper("0704.0001", doi="10.1103/PhysRevD.76.013009")
    with CaptureQueriesContext(connection) as queries:
        lookup.named_paper("Clustering in a stochastic model of one-dimensional gas")
        lookup.named_paper("10.1103/PhysRevD.76.013009")
    assert len(queries) == 2
    assert not any("ORDER BY" in query["sql"] for query in queries)


# -- the APIs ------------------------------------------------------------------------------


def test_the_v1_search_api_puts_the_named_paper_first(client):
    store_paper("2501.01234", title="Sorting socks with a single drawer")
    store_paper("2501.05678", title="Everything about 2501.01234 and socks", abstract="2501.01234")
    body = client.get("/api/v1/search", {"q": "https://arxiv.org/abs/2501.01234v2"}).json()
    assert body["items"][0]["arxiv_id"] == "2501.01234"
    assert [item["arxiv_id"] for item in body["items"]].count("2501.01234") == 1


def test_the_hub_search_api_puts_the_named_paper_first(client):
    store_paper("0704.0086", title="Clustering in a stochastic model of one-dimensional gas")
    items = client.get(
        "/api/papers/search", {"q": "Clustering in a Stochastic Model of One-Dimensional Gas"}
    ).json()
    assert items[0]["paper"]["id"] == "0704.0086"


# -- fetched on demand ---------------------------------------------------------------------


def test_a_paper_not_stored_is_fetched_from_arxiv_and_shown(client, fake_arxiv):
    fake_arxiv.add(API_PATH, arxiv_answer_with_only("2503.01234"))
    response = client.get("/search/", {"q": "arXiv:2503.01234v2"})
    assert response["Location"] == "/papers/2503.01234/"
    assert Paper.objects.get(arxiv_id="2503.01234").title.startswith("Sorting")
    [request] = fake_arxiv.requests_to(API_PATH)
    assert request.query["id_list"] == "2503.01234"


def test_the_api_fetches_an_unknown_id_and_returns_it_first(client, fake_arxiv):
    fake_arxiv.add(API_PATH, arxiv_answer_with_only("2503.01234"))
    body = client.get("/api/v1/search", {"q": "https://arxiv.org/pdf/2503.01234"}).json()
    assert [item["arxiv_id"] for item in body["items"]] == ["2503.01234"]


def test_an_id_arxiv_does_not_know_is_asked_once_a_minute_and_said_each_time(client, fake_arxiv):
    fake_arxiv.add(API_PATH, empty_feed())
    for _ in range(3):
        text = client.get("/search/", {"q": "2503.09999"}).content.decode()
        assert "arXiv has no paper 2503.09999" in text
    assert len(fake_arxiv.requests_to(API_PATH)) == 1


def test_offline_the_page_says_so_at_once_and_still_shows_keyword_results(client, django_settings):
    django_settings.ARXIV_API_URL = CLOSED_PORT_API
    store_paper("2501.05678", title="Follow-up of 2503.01234", abstract="We extend 2503.01234.")
    started = time.monotonic()
    response = client.get("/search/", {"q": "2503.01234"})
    assert time.monotonic() - started < lookup.LOOKUP_FETCH_SECONDS
    text = response.content.decode()
    assert response.status_code == 200
    assert "arXiv cannot be reached just now, so 2503.01234 could not be fetched" in text
    assert "/papers/2501.05678/" in text  # the keyword results are still there
    assert "127.0.0.1" not in text and "Error" not in text and "refused" not in text


def test_offline_the_apis_answer_with_a_note_and_keyword_results(client, django_settings):
    django_settings.ARXIV_API_URL = CLOSED_PORT_API
    store_paper("2501.05678", title="Follow-up of 2503.01234", abstract="We extend 2503.01234.")
    body = client.get("/api/v1/search", {"q": "2503.01234"}).json()
    assert body["notes"][0].startswith("arXiv cannot be reached just now")
    assert [item["arxiv_id"] for item in body["items"]] == ["2501.05678"]
    hub = client.get("/api/papers/search", {"q": "2503.01234"})
    assert hub.status_code == 200


@pytest.fixture
def arxiv_gate() -> Iterator[None]:
    """The polite client's process-wide request slots, restored after the test: a slot
    reserved seconds ahead must not hold up the tests that follow."""
    saved = dict(arxiv_client._last_start)
    yield
    arxiv_client._last_start.clear()
    arxiv_client._last_start.update(saved)


def test_a_slow_arxiv_gap_is_not_waited_for_past_the_budget(
    fake_arxiv, django_settings, arxiv_gate
):
    """With arXiv's request gap just taken by another request, an id is not fetched when
    waiting for the next turn would pass the budget: the person hears so at once."""
    django_settings.ARXIV_REQUEST_INTERVAL = 10.0
    fake_arxiv.add(API_PATH, empty_feed())
    lookup.named_paper("2503.09998")  # takes the next slot (or finds it taken)
    asked = len(fake_arxiv.requests_to(API_PATH))
    started = time.monotonic()
    found = lookup.named_paper("2503.09997")
    assert time.monotonic() - started < 1.0
    assert found.note.startswith("arXiv cannot be reached just now")
    assert len(fake_arxiv.requests_to(API_PATH)) == asked


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.text(alphabet="abc' \"%\\_-–:;.$/()’\t", min_size=16, max_size=80),
        st.from_regex(r"(10\.\d{4}/|https://doi\.org/10\.\d{4}/)[\w%'\\.;()/-]{1,40}"),
    )
)
def test_any_pasted_text_is_looked_up_without_error_on_this_database(text, django_settings):
    django_settings.ARXIV_API_URL = CLOSED_PORT_API
    found = lookup.named_paper(text)
    assert found is None or found.paper is not None or found.note
