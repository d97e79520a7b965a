"""Cards and paper pages show the automatic summary and key phrases, labelled as automatic,
with each phrase searching for itself: the stored ones, or, for a paper no worker has
summarised yet, ones computed on read (and not stored by a GET), at no query per card."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.papers.models import Paper
from dailypapers.summaries.models import AutoSummary
from dailypapers.summaries.store import summarize_papers
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db

ABSTRACT = (
    "Icy moons such as Europa are heated by tides raised by their giant planets. We present "
    "a model of tidal heating for icy moons with layered interiors, including a subsurface "
    "ocean and an ice shell. The model predicts that most tidal heat is released in the ice "
    "shell near the poles. Tidal heating may keep subsurface oceans liquid for billions of "
    "years."
)
DAY_URL = "/day/2025-01-06/"


@pytest.fixture(autouse=True)
def no_page_cache(settings) -> None:
    """Each GET renders: these tests compare pages before and after a change."""
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0


def moon_paper(arxiv_id: str = "2501.00001"):
    return store_paper(arxiv_id, title="Tidal heating of icy moons", abstract=ABSTRACT)


def test_the_paper_page_shows_a_labelled_summary_and_phrases_that_search_for_themselves(client):
    moon_paper()
    html = client.get("/papers/2501.00001/").content.decode()
    assert "Automatic summary" in html and "Automatic keywords" in html
    assert "We present a model of tidal heating" in html
    assert 'href="/search/?q=%22tidal%20heating%22"' in html
    assert not AutoSummary.objects.exists()  # computed on read, not stored by a GET


def test_cards_show_the_summary_and_phrases_of_papers_not_summarised_yet(client):
    moon_paper()
    html = client.get(DAY_URL).content.decode()
    assert "Automatic summary:" in html and "We present a model of tidal heating" in html
    assert '<a class="cat" href="/search/?q=%22icy%20moons%22">icy moons</a>' in html
    assert not AutoSummary.objects.exists()


def test_a_stored_summary_is_shown_instead_of_computing_one(client):
    paper = moon_paper()
    summarize_papers([paper.pk])
    AutoSummary.objects.update(
        summary="Moons warm up.", keywords=["moon warmth"], method="model:small"
    )
    for url in ("/papers/2501.00001/", DAY_URL):
        html = client.get(url).content.decode()
        assert "Moons warm up." in html and "%22moon%20warmth%22" in html
        assert "Automatic summary:</span> We present" not in html
    assert (
        "Made by a machine from the abstract (small)"
        in client.get("/papers/2501.00001/").content.decode()
    )


def test_phrases_with_quotes_or_ampersands_are_escaped_in_links_and_text(client):
    paper = moon_paper()
    summarize_papers([paper.pk])
    AutoSummary.objects.update(keywords=['"odd" & <phrase>'])
    html = client.get("/papers/2501.00001/").content.decode()
    assert "%22%22odd%22%20%26%20%3Cphrase%3E%22" in html
    assert "&quot;odd&quot; &amp; &lt;phrase&gt;" in html


@pytest.mark.parametrize("stored", [False, True])
def test_the_number_of_queries_of_a_day_page_does_not_grow_with_its_papers(client, stored):
    moon_paper("2501.00001")
    with CaptureQueriesContext(connection) as one:
        client.get(DAY_URL)
    for number in range(2, 7):
        moon_paper(f"2501.0000{number}")
    if stored:
        summarize_papers(Paper.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as six:
        html = client.get(DAY_URL).content.decode()
    assert len(re.findall("Automatic summary:", html)) == 6
    assert len(six) == len(one)
