"""The paper card of every list: vote box, title, authors, facts, and a thumbnail and a
one-line summary only when the paper has them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from dailypapers.testing.factories import store_titled_paper

pytestmark = pytest.mark.django_db


def card(paper, user=None) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return render_to_string("feed/paper_item.html", {"paper": paper}, request=request)


def test_a_card_without_thumbnail_or_summary_draws_no_empty_boxes_for_them():
    html = card(store_titled_paper("2503.00001", "Plain paper"))
    assert "thumb" not in html and 'class="summary"' not in html and "<img" not in html
    assert 'class="vote-box"' in html and "log in to upvote" in html


def test_a_card_shows_the_thumbnail_and_summary_when_the_paper_has_them():
    paper = store_titled_paper("2503.00002", "Pictured paper")
    paper.thumbnail = "/static/feed/favicon.svg"  # filled by later work; any attribute will do
    paper.summary = "A one-line summary."
    html = card(paper)
    assert '<img src="/static/feed/favicon.svg" alt=""' in html
    assert 'class="card has-thumb"' in html
    assert '<p class="summary">A one-line summary.</p>' in html


def test_the_vote_box_comes_after_the_title_in_reading_order():
    html = card(
        store_titled_paper("2503.00003", "Ordered paper", authors=["A", "B", "C", "D", "E"])
    )
    assert html.index('class="title"') < html.index('class="vote-box"')
    assert "A, B, C" in html and "+2 more" in html
