"""The paper card of every list: vote box, title, authors, facts, a picture of page 1 (a CSS
box until there is one), and a one-line summary only when the paper has one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from dailypapers.testing.factories import make_thumbnail, store_titled_paper

pytestmark = pytest.mark.django_db


def card(paper, user=None) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return render_to_string("feed/paper_item.html", {"paper": paper}, request=request)


def test_a_card_without_thumbnail_or_summary_draws_a_css_box_and_no_picture():
    html = card(store_titled_paper("2503.00001", "Plain paper"))
    assert 'class="summary"' not in html and "<img" not in html
    assert '<span class="thumb thumb-none" aria-hidden="true"></span>' in html
    assert 'class="vote-box"' in html and "log in to upvote" in html


def test_a_card_shows_the_thumbnail_and_summary_when_the_paper_has_them():
    paper = store_titled_paper("2503.00002", "Pictured paper")
    make_thumbnail(paper)
    paper.summary = "A one-line summary."
    html = card(paper)
    assert '<img src="/papers/2503.00002/thumbnail.webp?v=' in html
    assert 'class="card has-thumb"' in html and "thumb-none" not in html
    assert '<p class="summary">A one-line summary.</p>' in html


def test_the_vote_box_comes_after_the_title_in_reading_order():
    html = card(
        store_titled_paper("2503.00003", "Ordered paper", authors=["A", "B", "C", "D", "E"])
    )
    assert html.index('class="title"') < html.index('class="vote-box"')
    assert "A, B, C" in html and "+2 more" in html
