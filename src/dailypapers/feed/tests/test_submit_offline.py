"""Submitting while arXiv is unreachable or failing: a quick one-sentence answer that
shows no upstream detail, and failed fetches counted against the daily limit."""

from __future__ import annotations

import time

import pytest

from dailypapers.feed.models import Submission
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import ARXIV_API_PATH, make_user, signed_in

pytestmark = pytest.mark.django_db
CLOSED_PORT_URL = "http://127.0.0.1:9/api/query"  # nothing listens on port 9
UPSTREAM_DETAILS = ("127.0.0.1", "http://", "Error", "gaierror", "refused", "/api/query")


@pytest.fixture
def arxiv_closed(settings) -> None:
    settings.ARXIV_API_URL = CLOSED_PORT_URL
    settings.ARXIV_REQUEST_INTERVAL = 0.0
    settings.ARXIV_RETRIES = 4  # background ingests retry; a member waiting must not
    settings.ARXIV_BACKOFF = 2.0


def error_message(body: str) -> str:
    opening = '<div class="errors" role="alert">\n  <p>'
    start = body.index(opening) + len(opening)
    return body[start : body.index("</p>", start)]


def test_an_unreachable_arxiv_answers_within_seconds_in_one_sentence_without_details(
    arxiv_closed,
):
    browser = signed_in(make_user())
    started = time.monotonic()
    response = browser.post("/submit/", {"arxiv_id": "2501.00001"})
    assert time.monotonic() - started < 2.0
    message = error_message(response.content.decode())
    assert "arXiv cannot be reached just now" in message
    assert message.count(". ") == 0 and message.rstrip().endswith(".")
    for detail in UPSTREAM_DETAILS:
        assert detail not in message
    assert Paper.objects.count() == 0 and Submission.objects.count() == 0


def test_after_a_failed_connect_the_next_submission_answers_without_asking_arxiv(
    arxiv_closed, settings, fake_arxiv
):
    settings.ARXIV_API_URL = CLOSED_PORT_URL  # the fixture pointed it at the fake
    browser = signed_in(make_user())
    browser.post("/submit/", {"arxiv_id": "2501.00001"})
    settings.ARXIV_API_URL = f"{fake_arxiv.url}{ARXIV_API_PATH}"  # arXiv would answer now…
    response = browser.post("/submit/", {"arxiv_id": "2501.00002"})
    assert response.status_code == 502
    assert "arXiv cannot be reached just now" in response.content.decode()
    assert fake_arxiv.requests == []  # …but for a minute we remember that it could not


def test_a_slow_arxiv_is_given_up_on_after_a_short_timeout(fake_arxiv, settings):
    settings.ARXIV_TIMEOUT = 30.0
    fake_arxiv.add(ARXIV_API_PATH, "", delay=10.0)
    started = time.monotonic()
    response = signed_in(make_user()).post("/submit/", {"arxiv_id": "2501.00001"})
    assert time.monotonic() - started < 4.5
    assert "arXiv cannot be reached just now" in response.content.decode()
    assert len(fake_arxiv.requests) == 1  # tried once, no retries


def test_failed_fetches_count_against_the_daily_limit(fake_arxiv, settings):
    settings.SUBMISSIONS_PER_DAY = 2
    fake_arxiv.add(ARXIV_API_PATH, "server trouble", status=500)
    browser = signed_in(make_user())
    for arxiv_id in ("2501.00001", "2501.00002"):
        response = browser.post("/submit/", {"arxiv_id": arxiv_id})
        assert response.status_code == 502
        message = error_message(response.content.decode())
        assert "arXiv answered with an error" in message and "500" not in message
    third = browser.post("/submit/", {"arxiv_id": "2501.00003"})
    assert third.status_code == 429
    assert len(fake_arxiv.requests) == 2  # the member at the limit cost arXiv nothing
    assert "0 more papers" in browser.get("/submit/").content.decode()
