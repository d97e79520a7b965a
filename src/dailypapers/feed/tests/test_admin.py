"""The admin for papers and the community: find things, moderate, never corrupt counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from dailypapers.accounts.models import User
from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.community.services.votes import cast_vote
from dailypapers.feed.models import Collection, Comment, Curation, Submission, Vote
from dailypapers.testing.factories import make_paper, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser() -> Client:
    browser = Client()
    browser.force_login(User.objects.create_superuser("root@example.org", "a-long-password-1"))
    return browser


def test_papers_are_found_by_exact_id_or_by_words_of_the_title(admin_browser):
    make_paper("2501.00001", "Attention is plenty", primary_category="cs.LG")
    make_paper("2501.00002", "Sorting socks", primary_category="cs.DS")
    by_id = admin_browser.get("/admin/papers/paper/", {"q": "2501.00002"}).content.decode()
    assert "Sorting socks" in by_id and "Attention is plenty" not in by_id
    by_title = admin_browser.get("/admin/papers/paper/", {"q": "attention"}).content.decode()
    assert "Attention is plenty" in by_title and "Sorting socks" not in by_title


def test_papers_filter_by_category_day_and_code(admin_browser):
    make_paper("2501.00001", "With code", has_code=True, announced_on=date(2025, 1, 6))
    make_paper("2501.00002", "Without", primary_category="cs.DS", announced_on=date(2025, 1, 7))
    with_code = admin_browser.get("/admin/papers/paper/", {"has_code__exact": "1"})
    assert "With code" in with_code.content.decode()
    assert "Without" not in with_code.content.decode()
    by_category = admin_browser.get("/admin/papers/paper/", {"primary_category": "cs.DS"})
    assert "Without" in by_category.content.decode()
    by_day = admin_browser.get("/admin/papers/paper/", {"announced_on": "2025-01-06"})
    assert by_day.status_code == 200 and "With code" in by_day.content.decode()


def test_paper_content_is_read_only_and_papers_are_not_added_by_hand(admin_browser):
    paper = make_paper("2501.00001", "Original title")
    page = admin_browser.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    assert "Original title" in page and 'name="title"' not in page
    assert admin_browser.get("/admin/papers/paper/add/").status_code == 403


def test_hide_and_unhide_actions_moderate_comments_and_keep_the_count_exact(admin_browser):
    paper = make_paper("2501.00001")
    first = post_comment(make_user(verified=False), paper, "Rude")
    second = post_comment(make_user("bo@example.org", verified=False), paper, "Also rude")
    admin_browser.post(
        "/admin/feed/comment/",
        {"action": "hide", "_selected_action": [first.pk, second.pk]},
    )
    paper.refresh_from_db()
    assert set(Comment.objects.values_list("is_hidden", flat=True)) == {True}
    assert paper.comment_count == 0
    admin_browser.post("/admin/feed/comment/", {"action": "unhide", "_selected_action": [first.pk]})
    paper.refresh_from_db()
    assert paper.comment_count == 1


def test_editing_a_comment_in_the_admin_renders_it_again(admin_browser):
    comment = post_comment(make_user(verified=False), make_paper("2501.00001"), "Old")
    response = admin_browser.post(
        f"/admin/feed/comment/{comment.pk}/change/",
        {"body": "<script>x</script> *new*", "is_hidden": "", "flags-TOTAL_FORMS": "0",
         "flags-INITIAL_FORMS": "0", "flags-MIN_NUM_FORMS": "0", "flags-MAX_NUM_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>&lt;script&gt;x&lt;/script&gt; <em>new</em></p>"


def test_votes_are_a_read_only_list(admin_browser):
    paper = make_paper("2501.00001")
    cast_vote(make_user(verified=False), paper)
    vote = Vote.objects.get()
    assert admin_browser.get("/admin/feed/vote/").status_code == 200
    assert admin_browser.get("/admin/feed/vote/add/").status_code == 403
    deleting = admin_browser.post(f"/admin/feed/vote/{vote.pk}/delete/", {"post": "yes"})
    assert deleting.status_code == 403
    assert Vote.objects.count() == 1


def test_every_community_list_opens_with_rows_in_it(admin_browser):
    paper = make_paper("2501.00001", "Listed paper")
    owner = make_user(verified=False)
    Submission.objects.create(paper=paper, submitted_by=owner, feed_day=date(2025, 1, 6))
    collection = Collection.objects.create(owner=owner, name="Reading list", slug="reading-list")
    collection.papers.add(paper)
    Curation.objects.create(paper=paper, day=date(2025, 1, 6), state="featured")
    post_comment(owner, paper, "A comment")
    for model, expected in [
        ("submission", "Listed paper"),
        ("collection", "Reading list"),
        ("curation", "Listed paper"),
        ("comment", "A comment"),
    ]:
        response = admin_browser.get(f"/admin/feed/{model}/")
        assert response.status_code == 200 and expected in response.content.decode(), model
    assert admin_browser.get(f"/admin/feed/collection/{collection.pk}/change/").status_code == 200


def test_a_curation_added_in_the_admin_records_who_decided(admin_browser):
    paper = make_paper("2501.00001")
    response = admin_browser.post(
        "/admin/feed/curation/add/",
        {"paper": paper.pk, "day": "2025-01-06", "state": "hidden", "note": "dup"},
    )
    assert response.status_code == 302
    assert Curation.objects.get().curator.email == "root@example.org"


def test_members_without_staff_rights_are_kept_out_of_the_admin():
    browser = Client()
    browser.force_login(make_user(verified=False))
    response = browser.get("/admin/feed/comment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
