"""Upvotes: one per member and paper, a button that works with and without htmx."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from dailypapers.accounts.models import User
from dailypapers.feed.community.services.votes import cast_vote, withdraw_vote
from dailypapers.feed.models import Vote
from dailypapers.papers.models import Paper
from dailypapers.papers.queries import voted_ids
from dailypapers.testing.factories import make_paper_announced_today, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def count(paper: Paper) -> int:
    paper.refresh_from_db()
    return paper.upvote_count


def button(paper: Paper, user, voted: bool) -> str:
    request = RequestFactory().get("/day/2025-01-06/?page=2")
    request.user = user
    context = {"paper": paper, "voted": voted}
    return render_to_string("feed/community/includes/vote_button.html", context, request=request)


def test_anonymous_visitors_see_the_count_and_a_log_in_to_upvote_link():
    paper = make_paper_announced_today()
    html = button(paper, AnonymousUser(), voted=False)
    assert "log in to upvote" in html
    assert "/accounts/login/?next=%2Fday%2F2025-01-06%2F%3Fpage%3D2" in html
    assert "<form" not in html


def test_members_see_a_form_that_adds_and_one_that_takes_the_vote_back():
    paper = make_paper_announced_today()
    member = make_user()
    fresh = button(paper, member, voted=False)
    assert 'action="/papers/2501.00001/vote/"' in fresh
    assert 'hx-post="/papers/2501.00001/vote/"' in fresh
    assert 'name="action" value="add"' in fresh and 'aria-pressed="false"' in fresh
    assert 'name="next" value="/day/2025-01-06/?page=2"' in fresh
    done = button(paper, member, voted=True)
    assert 'name="action" value="remove"' in done and "Upvoted" in done


def test_an_upvote_without_javascript_redirects_back_to_the_page_it_came_from(client):
    paper = make_paper_announced_today()
    client.force_login(make_user())
    response = client.post(
        "/papers/2501.00001/vote/", {"action": "add", "next": "/day/2025-01-06/?page=2"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/day/2025-01-06/?page=2"
    assert count(paper) == 1


def test_a_next_pointing_to_another_site_is_ignored_in_favour_of_the_paper_page(client):
    make_paper_announced_today()
    client.force_login(make_user())
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/papers/2501.00001/vote/", {"next": evil})
        assert response["Location"] == "/papers/2501.00001/"


def test_an_upvote_with_htmx_answers_the_new_button_with_the_new_count(client):
    paper = make_paper_announced_today()
    client.force_login(make_user())
    response = client.post("/papers/2501.00001/vote/", {"action": "add"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="vote-count">1</span>' in html
    assert 'name="action" value="remove"' in html
    assert "<html" not in html  # a fragment to swap in, not a page
    assert count(paper) == 1


def test_second_vote_by_same_user_is_rejected():
    paper = make_paper_announced_today()
    member = make_user()
    assert cast_vote(member, paper) is True
    assert cast_vote(member, paper) is False
    assert Vote.objects.filter(paper=paper).count() == 1
    assert count(paper) == 1


def test_a_double_submitted_upvote_form_still_counts_once(client):
    paper = make_paper_announced_today()
    client.force_login(make_user())
    client.post("/papers/2501.00001/vote/", {"action": "add"})
    client.post("/papers/2501.00001/vote/", {"action": "add"})
    assert count(paper) == 1


def test_a_form_without_an_action_toggles_the_vote_on_and_off(client):
    paper = make_paper_announced_today()
    client.force_login(make_user())
    client.post("/papers/2501.00001/vote/")
    assert count(paper) == 1
    client.post("/papers/2501.00001/vote/")
    assert count(paper) == 0


def test_taking_a_vote_back_lowers_the_count_and_a_second_take_back_changes_nothing():
    paper = make_paper_announced_today()
    member, other = make_user(), make_user("bo@example.org")
    cast_vote(member, paper)
    cast_vote(other, paper)
    assert withdraw_vote(member, paper) is True
    assert withdraw_vote(member, paper) is False
    assert count(paper) == 1


def test_a_vote_lifts_the_trending_score():
    paper = make_paper_announced_today()
    cast_vote(make_user(), paper)
    paper.refresh_from_db()
    assert paper.trending_score > 0


def test_anonymous_votes_are_sent_to_log_in_and_count_nothing(client):
    paper = make_paper_announced_today()
    response = client.post("/papers/2501.00001/vote/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert count(paper) == 0


def test_members_who_have_not_confirmed_their_email_cannot_vote(client):
    paper = make_paper_announced_today()
    client.force_login(make_user(verified=False))
    response = client.post("/papers/2501.00001/vote/")
    assert response.status_code == 403
    assert count(paper) == 0


def test_voting_by_get_is_refused(client):
    paper = make_paper_announced_today()
    client.force_login(make_user())
    assert client.get("/papers/2501.00001/vote/").status_code == 405
    assert count(paper) == 0


def test_a_vote_without_the_csrf_token_is_refused():
    paper = make_paper_announced_today()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user())
    assert browser.post("/papers/2501.00001/vote/").status_code == 403
    assert count(paper) == 0
    token = "k" * 32  # the cookie's secret, sent back unmasked in the form as a browser may
    browser.cookies["csrftoken"] = token
    response = browser.post("/papers/2501.00001/vote/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert count(paper) == 1


def test_votes_for_unknown_papers_or_non_ids_are_404(client):
    client.force_login(make_user())
    assert client.post("/papers/2501.99999/vote/").status_code == 404
    assert client.post("/papers/not-an-id/vote/").status_code == 404


def test_old_style_and_versioned_ids_reach_the_paper():
    old = make_paper_announced_today("hep-th/9901001")
    member = make_user()
    browser = Client()
    browser.force_login(member)
    assert browser.post("/papers/hep-th/9901001/vote/").status_code == 302
    assert browser.post("/papers/2501.00001v2/vote/").status_code == 404  # no such paper
    make_paper_announced_today("2501.00001")
    browser.post("/papers/2501.00001v2/vote/")
    assert count(old) == 1
    assert count(Paper.objects.get(arxiv_id="2501.00001")) == 1


def test_voted_ids_answers_for_a_whole_list_in_one_query(django_assert_num_queries):
    papers = [make_paper_announced_today(f"2501.0000{i}") for i in range(1, 4)]
    member = make_user()
    cast_vote(member, papers[1])
    with django_assert_num_queries(1):
        assert voted_ids(member, papers) == {papers[1].pk}
    assert voted_ids(AnonymousUser(), papers) == set()


def test_concurrent_votes_by_twenty_members_and_a_double_click_are_counted_exactly(threads_db):
    paper = make_paper_announced_today()
    members = [make_user(f"m{i}@example.org") for i in range(20)]
    # The last member clicks three times at once: the unique constraint must absorb it.
    voters = members + [members[-1], members[-1]]
    start = threading.Barrier(len(voters))
    results: list[bool] = []
    errors: list[BaseException] = []

    def vote(member: User) -> None:
        try:
            start.wait()
            results.append(cast_vote(member, paper))
        except BaseException as exc:  # surfaced below; a thread can't fail the test itself
            errors.append(exc)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=vote, args=(m,)) for m in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, False] + [True] * 20
    assert Vote.objects.filter(paper=paper).count() == 20
    assert count(paper) == 20


def test_concurrent_votes_and_withdrawals_through_the_view_leave_an_exact_count(threads_db):
    paper = make_paper_announced_today()
    members = [make_user(f"m{i}@example.org") for i in range(12)]
    for member in members[:6]:
        cast_vote(member, paper)  # these six take their vote back, the other six vote
    start = threading.Barrier(len(members))
    statuses: list[int] = []

    def click(member: User, action: str) -> None:
        try:  # a failure shows up as a missing status below
            browser = Client()
            browser.force_login(member)
            start.wait()
            response = browser.post("/papers/2501.00001/vote/", {"action": action})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=click, args=(m, "remove" if i < 6 else "add"))
        for i, m in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * 12
    assert set(Vote.objects.filter(paper=paper).values_list("user_id", flat=True)) == {
        m.pk for m in members[6:]
    }
    assert count(paper) == 6
