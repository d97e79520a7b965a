"""The reading pages: latest day, any day, a paper, the site frame and error pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string

from dailypapers.accounts.models import User
from dailypapers.feed.context_processors import PARTIALS
from dailypapers.feed.models import Submission, Vote
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


def test_home_shows_the_latest_announcement_day_with_a_link_to_the_previous_day(client):
    store_paper("2501.00001", date(2025, 1, 6))
    store_paper("2501.00002", date(2025, 1, 8))
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Papers of Wednesday, 8 January 2025" in body
    assert "Paper 2501.00002" in body and "Paper 2501.00001" not in body
    assert 'href="/day/2025-01-06/"' in body


def test_day_page_lists_that_day_and_links_both_neighbours(client):
    for arxiv_id, day in [("2501.00001", 6), ("2501.00002", 7), ("2501.00003", 9)]:
        store_paper(arxiv_id, date(2025, 1, day))
    body = client.get("/day/2025-01-07/").content.decode()
    assert "Paper 2501.00002" in body
    assert 'rel="prev" href="/day/2025-01-06/"' in body
    assert 'rel="next" href="/day/2025-01-09/"' in body


def test_an_empty_day_says_so_and_still_offers_navigation(client):
    store_paper("2501.00001", date(2025, 1, 6))
    body = client.get("/day/2025-01-07/").content.decode()
    assert "No papers were announced on this day" in body
    assert 'rel="prev"' in body


def test_an_empty_database_explains_how_to_import_papers(client):
    body = client.get("/").content.decode()
    assert "No papers yet" in body and "dailypapers ingest" in body


def test_paper_page_shows_what_is_stored_with_arxiv_links(client):
    store_paper(
        "2501.00001",
        date(2025, 1, 6),
        title="Faster $O(n^2)$ sorting",
        doi="10.1000/xyz",
        abstract="Code: https://github.com/a/b",
        version=2,
    )
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Faster O(n²) sorting" in body
    assert "https://arxiv.org/abs/2501.00001" in body
    assert "https://arxiv.org/pdf/2501.00001" in body
    assert "2501.00001v2" in body
    assert 'href="https://doi.org/10.1000/xyz"' in body
    assert 'href="https://github.com/a/b"' in body


def test_old_style_and_versioned_ids_reach_the_paper_page(client):
    store_paper("hep-th/9901001", date(1999, 1, 4))
    assert client.get("/papers/hep-th/9901001/").status_code == 200
    versioned = client.get("/papers/hep-th/9901001v3/", follow=True)
    assert versioned.status_code == 200
    assert versioned.redirect_chain == [("/papers/hep-th/9901001/", 301)]


def test_unknown_paper_gives_a_helpful_404(client):
    response = client.get("/papers/2501.99999/")
    assert response.status_code == 404
    assert "Go to the latest papers" in response.content.decode()


def test_impossible_date_gives_404(client):
    assert client.get("/day/2025-02-30/").status_code == 404


def test_every_page_has_the_site_navigation_and_signed_out_visitors_can_log_in(client):
    body = client.get("/about/").content.decode()
    for link in ('href="/">Latest', 'href="/trending/">Trending', 'href="/about/" aria-current'):
        assert link in body
    assert 'src="/static/vendor/htmx-2.0.11.min.js" defer' in body
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in body
    assert ">Log in</a>" in body and ">Sign up</a>" in body and "Log out" not in body


def test_members_see_their_name_linking_to_their_profile_and_a_log_out_form(client):
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada")
    client.force_login(member)
    body = client.get("/about/").content.decode()
    assert f'<a href="/u/{member.handle}/">Ada</a>' in body
    assert '<form method="post" action="/accounts/logout/"' in body
    assert ">Log in</a>" not in body


def test_home_with_fifty_papers_needs_a_fixed_handful_of_queries(
    client, django_assert_max_num_queries
):
    for number in range(1, 51):
        store_paper(
            f"2501.{number:05d}",
            date(2025, 1, 8),
            authors=[f"Author {number}", "B", "C", "D"],
            categories=["cs.LG", "cs.AI"],
            abstract=f"Code: https://github.com/a/p{number}",
        )
    store_paper("2501.00099", date(2025, 1, 6))
    members = [User.objects.create_user(f"m{n}@example.org", "pw-12345-long") for n in range(3)]
    for paper in Paper.objects.filter(announced_on=date(2025, 1, 8))[:30]:
        Submission.objects.create(
            paper=paper, submitted_by=members[paper.pk % 3], feed_day=paper.announced_on
        )
        Vote.objects.create(user=members[0], paper=paper)
    # latest day, neighbours, count, page
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200
    client.force_login(members[0])
    # ... plus session, user, the viewer's votes and their collections (for "Save")
    with django_assert_max_num_queries(8):
        body = client.get("/").content.decode()
    assert body.count('<li class="paper') == 50


def test_a_missing_partial_falls_back_to_a_plain_vote_count(client, monkeypatch):
    monkeypatch.setitem(PARTIALS, "vote_button", "feed/community/includes/not-built-yet.html")
    store_paper("2501.00001", date(2025, 1, 6))
    Paper.objects.update(upvote_count=4)
    response = client.get("/")
    assert response.status_code == 200
    assert '<span class="votes"><span aria-hidden="true">▲</span> 4' in response.content.decode()


def test_the_not_found_page_helps_the_reader_on(client):
    body = client.get("/no/such/page/").content.decode()
    assert 'href="/">Go to the latest papers' in body
    assert 'href="/trending/"' in body
    assert 'href="/papers/2501.01234/"' in body


def test_the_server_error_page_renders_without_a_request_and_links_back():
    body = render_to_string("500.html")
    assert "Something went wrong on our side" in body
    assert 'href="/"' in body and 'href="/trending/"' in body
