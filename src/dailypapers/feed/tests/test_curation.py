"""Curation: curators feature or hide a paper on a day, and only curators can."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from dailypapers.feed.models import Curation
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_curator, make_paper, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/papers/2501.00001/curate/"


def box(paper: Paper, user) -> str:
    request = RequestFactory().get(f"/papers/{paper.arxiv_id}/")
    request.user = user
    return render_to_string(
        "feed/community/includes/curation_form.html", {"paper": paper}, request=request
    )


def test_a_curator_features_a_paper_today_and_goes_back_to_the_page():
    paper = make_paper()
    curator = make_curator()
    response = signed_in(curator).post(URL, {"state": "featured", "next": "/day/2025-01-06/"})
    assert response.status_code == 302 and response["Location"] == "/day/2025-01-06/"
    decision = Curation.objects.get()
    assert (decision.paper, decision.state, decision.curator) == (paper, "featured", curator)
    assert decision.day == datetime.now(UTC).date()


def test_without_a_day_a_curator_features_on_the_latest_announcement_day_not_the_clocks():
    paper = make_paper()
    Paper.objects.filter(pk=paper.pk).update(announced_on=date(2025, 1, 6))
    signed_in(make_curator()).post(URL, {"state": "featured"})
    assert Curation.objects.get().day == date(2025, 1, 6)  # the day the home page shows


def test_a_new_decision_for_the_same_day_replaces_the_old_one_and_clear_removes_it():
    make_paper()
    browser = signed_in(make_curator())
    browser.post(URL, {"state": "featured", "day": "2025-01-06", "note": "great"})
    browser.post(URL, {"state": "hidden", "day": "2025-01-06"})
    browser.post(URL, {"state": "featured", "day": "2025-01-07"})
    assert list(Curation.objects.order_by("day").values_list("day", "state")) == [
        (date(2025, 1, 6), "hidden"),
        (date(2025, 1, 7), "featured"),
    ]
    browser.post(URL, {"state": "clear", "day": "2025-01-06"})
    assert list(Curation.objects.values_list("day", flat=True)) == [date(2025, 1, 7)]


def test_with_htmx_the_curator_gets_the_refreshed_box():
    make_paper()
    response = signed_in(make_curator()).post(URL, {"state": "hidden", "day": "2025-01-06"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hidden on 06 Jan 2025." in html and "6 Jan 2025: Hidden" in html
    assert "<html" not in html


def test_members_who_are_not_curators_cannot_curate():
    make_paper()
    response = signed_in(make_user("bo@example.org")).post(URL, {"state": "featured"})
    assert response.status_code == 403
    anonymous = Client().post(URL, {"state": "featured"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert Curation.objects.count() == 0


def test_bad_curation_input_is_refused():
    make_paper()
    browser = signed_in(make_curator())
    assert browser.post(URL, {"state": "promoted"}).status_code == 400
    assert browser.post(URL, {"state": "featured", "day": "yesterday"}).status_code == 400
    assert browser.post("/papers/2501.99999/curate/", {"state": "featured"}).status_code == 404
    assert browser.get(URL).status_code == 405
    assert Curation.objects.count() == 0


def test_curating_needs_the_csrf_token():
    make_paper()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_curator())
    assert strict.post(URL, {"state": "featured"}).status_code == 403
    assert Curation.objects.count() == 0


def test_the_curation_form_is_shown_to_curators_only():
    paper = make_paper()
    Curation.objects.create(paper=paper, day=date(2025, 1, 6), state="featured")
    html = box(paper, make_curator())
    assert f'action="{URL}"' in html and 'value="featured"' in html and 'value="clear"' in html
    assert "6 Jan 2025: Featured" in html
    assert box(paper, make_user("bo@example.org")).strip() == ""
    assert box(paper, AnonymousUser()).strip() == ""
