"""Submissions: put an arXiv paper on the latest day's feed, fetching it from arXiv when needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from dailypapers.feed.models import Submission
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import (
    ARXIV_API_PATH,
    arxiv_answer_with_only,
    make_paper,
    make_user,
    signed_in,
)

pytestmark = pytest.mark.django_db
API_FIXTURES = Path(__file__).parents[2] / "lib" / "tests" / "fixtures" / "arxiv-api"


def test_the_form_is_for_members_with_a_confirmed_email():
    assert Client().get("/submit/")["Location"].startswith("/accounts/login/")
    unverified = signed_in(make_user("new@example.org", verified=False))
    assert unverified.get("/submit/").status_code == 403
    page = signed_in(make_user()).get("/submit/")
    assert page.status_code == 200
    assert 'name="arxiv_id"' in page.content.decode() and "10 more papers" in page.content.decode()


def test_submitting_a_known_paper_by_its_abs_link_puts_it_on_todays_feed():
    paper = make_paper()
    member = make_user()
    link = "https://arxiv.org/abs/2501.00001v2"
    response = signed_in(member).post("/submit/", {"arxiv_id": link})
    assert response.status_code == 302 and response["Location"] == "/papers/2501.00001/"
    submission = Submission.objects.get()
    assert (submission.paper, submission.submitted_by) == (paper, member)
    assert submission.feed_day == datetime.now(UTC).date()
    paper.refresh_from_db()
    assert paper.trending_score > 0  # the submission bonus, recomputed at once


def test_old_style_and_pdf_links_are_understood():
    make_paper("hep-th/9901001")
    make_paper("2501.00002")
    browser = signed_in(make_user())
    browser.post("/submit/", {"arxiv_id": " hep-th/9901001v3 "})
    browser.post("/submit/", {"arxiv_id": "https://arxiv.org/pdf/2501.00002v1.pdf"})
    assert set(Submission.objects.values_list("paper__arxiv_id", flat=True)) == {
        "hep-th/9901001",
        "2501.00002",
    }


def test_an_unknown_paper_is_fetched_from_arxiv_and_submitted(fake_arxiv):
    fake_arxiv.add(ARXIV_API_PATH, arxiv_answer_with_only("2503.01234"))
    response = signed_in(make_user()).post(
        "/submit/", {"arxiv_id": "https://arxiv.org/pdf/2503.01234v2"}
    )
    assert response.status_code == 302 and response["Location"] == "/papers/2503.01234/"
    [request] = fake_arxiv.requests_to(ARXIV_API_PATH)
    assert request.query["id_list"] == "2503.01234"
    paper = Paper.objects.get()
    assert paper.title.endswith("Socks with a Single Drawer")
    assert paper.submission.submitted_by.email == "ada@example.org"


def test_an_id_arxiv_does_not_know_is_reported_and_nothing_is_stored(fake_arxiv):
    fake_arxiv.add(ARXIV_API_PATH, (API_FIXTURES / "current_2026_empty.atom.xml").read_bytes())
    response = signed_in(make_user()).post("/submit/", {"arxiv_id": "0101.0001"})
    assert response.status_code == 404
    assert "arXiv has no paper 0101.0001" in response.content.decode()
    assert Paper.objects.count() == 0 and Submission.objects.count() == 0


def test_an_arxiv_error_answer_is_reported_and_nothing_is_stored(fake_arxiv):
    error_feed = (API_FIXTURES / "current_2026_error_400.atom.xml").read_bytes()
    fake_arxiv.add(ARXIV_API_PATH, error_feed, status=400)
    response = signed_in(make_user()).post("/submit/", {"arxiv_id": "2599.99999"})
    text = response.content.decode()
    assert response.status_code == 502
    assert "We could not fetch 2599.99999 from arXiv" in text and "Nothing was saved" in text
    assert Paper.objects.count() == 0 and Submission.objects.count() == 0


def test_when_arxiv_cannot_be_reached_the_member_is_told_and_nothing_is_stored(settings):
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"  # nothing listens on port 9
    settings.ARXIV_REQUEST_INTERVAL = 0.0
    response = signed_in(make_user()).post("/submit/", {"arxiv_id": "2501.00001"})
    text = response.content.decode()
    assert response.status_code == 502
    assert (
        "arXiv cannot be reached just now, so we could not fetch 2501.00001 and nothing was "
        "saved; please try again in a few minutes." in text
    )
    assert Paper.objects.count() == 0 and Submission.objects.count() == 0


def test_text_that_is_no_arxiv_id_is_refused_before_asking_arxiv(fake_arxiv):
    response = signed_in(make_user()).post("/submit/", {"arxiv_id": "<script>x</script>"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "is not an arXiv id or arXiv link" in text and "<script>x" not in text
    assert fake_arxiv.requests == []


def test_a_second_submission_of_a_paper_points_to_the_first_one():
    make_paper()
    first = make_user()
    first.display_name = "Ada"
    first.save()
    signed_in(first).post("/submit/", {"arxiv_id": "2501.00001"})
    second = signed_in(make_user("bo@example.org"))
    response = second.post("/submit/", {"arxiv_id": "2501.00001v1"})
    text = response.content.decode()
    assert response.status_code == 409
    assert "Someone already submitted this paper." in text
    assert 'href="/papers/2501.00001/"' in text and "submitted by Ada" in text
    assert Submission.objects.count() == 1


def test_the_daily_limit_stops_the_next_submission_with_a_message(settings):
    settings.SUBMISSIONS_PER_DAY = 2
    member = make_user()
    browser = signed_in(member)
    for number in (1, 2, 3):
        make_paper(f"2501.0000{number}")
    assert browser.post("/submit/", {"arxiv_id": "2501.00001"}).status_code == 302
    assert browser.post("/submit/", {"arxiv_id": "2501.00002"}).status_code == 302
    refused = browser.post("/submit/", {"arxiv_id": "2501.00003"})
    assert refused.status_code == 429
    assert "You can submit 2 papers in 24 hours" in refused.content.decode()
    assert Submission.objects.count() == 2
    # Submissions older than 24 hours no longer count.
    Submission.objects.update(submitted_at=timezone.now() - timedelta(hours=25))
    assert browser.post("/submit/", {"arxiv_id": "2501.00003"}).status_code == 302


def test_a_submission_without_the_csrf_token_is_refused():
    make_paper()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post("/submit/", {"arxiv_id": "2501.00001"}).status_code == 403
    assert Submission.objects.count() == 0
