"""Comments: post, reply, edit, delete, flag and hide, with and without htmx."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.models import Comment, CommentFlag
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_paper_announced_today, make_user, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/papers/2501.00001/comments/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # limits live in the cache, which outlives each test's database


def section(paper: Paper, user=None) -> str:
    """The discussion as the paper page shows it to ``user``."""
    request = RequestFactory().get(f"/papers/{paper.arxiv_id}/")
    request.user = user or AnonymousUser()
    return render_to_string(
        "feed/community/includes/comments.html", {"paper": paper}, request=request
    )


def comment_count(paper: Paper) -> int:
    paper.refresh_from_db()
    return paper.comment_count


def test_a_comment_without_javascript_is_stored_rendered_and_redirects_to_itself():
    paper = make_paper_announced_today()
    response = signed_in(make_user()).post(URL, {"body": "Nice **result**."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/papers/2501.00001/#comment-{comment.pk}"
    assert comment.body_html == "<p>Nice <strong>result</strong>.</p>"
    assert comment_count(paper) == 1
    assert "Nice <strong>result</strong>." in section(paper)


def test_a_comment_with_htmx_answers_the_refreshed_discussion():
    make_paper_announced_today()
    response = signed_in(make_user()).post(URL, {"body": "Looks *solid*."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="comments"')
    assert "Looks <em>solid</em>." in html and "Discussion (1)" in html


def test_an_empty_comment_is_refused_with_a_clear_message():
    paper = make_paper_announced_today()
    browser = signed_in(make_user())
    plain = browser.post(URL, {"body": "   "})
    assert plain.status_code == 400
    assert "Write something before posting." in plain.content.decode()
    htmx = browser.post(URL, {"body": ""}, **HTMX)
    assert "Write something before posting." in htmx.content.decode()
    assert Comment.objects.count() == 0 and comment_count(paper) == 0


def test_a_20_kb_comment_is_refused_with_its_length_and_kept_for_editing():
    make_paper_announced_today()
    body = "word " * 4000
    response = signed_in(make_user()).post(URL, {"body": body})
    text = response.content.decode()
    assert response.status_code == 400
    assert "at most 10,000 characters" in text and "this one has 19,999" in text
    assert "word word word" in text  # the draft is not lost
    assert Comment.objects.count() == 0


def test_script_and_html_in_a_comment_are_neutralised():
    paper = make_paper_announced_today()
    attack = '<script>alert("x")</script> <img src=x onerror=alert(1)> [y](javascript:alert(2))'
    signed_in(make_user()).post(URL, {"body": attack})
    html = section(paper)
    assert "<script>alert" not in html and "<img" not in html
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html


def test_a_reply_to_a_reply_joins_the_top_level_thread():
    paper = make_paper_announced_today()
    author, other = make_user(), make_user("bo@example.org")
    top = post_comment(author, paper, "Top")
    reply = post_comment(other, paper, "Reply")
    signed_in(other).post(URL, {"body": "First reply", "parent": top.pk})
    first = Comment.objects.get(body="First reply")
    signed_in(author).post(URL, {"body": "Reply to the reply", "parent": first.pk})
    assert Comment.objects.get(body="Reply to the reply").parent_id == top.pk
    assert first.parent_id == top.pk and reply.parent_id is None
    html = section(paper)
    assert html.index("Top") < html.index("First reply") < html.index("Reply to the reply")


def test_a_reply_must_answer_a_comment_on_the_same_paper():
    make_paper_announced_today()
    elsewhere = post_comment(
        make_user("bo@example.org"), make_paper_announced_today("2501.00002"), "There"
    )
    browser = signed_in(make_user())
    assert browser.post(URL, {"body": "x", "parent": elsewhere.pk}).status_code == 404
    assert browser.post(URL, {"body": "x", "parent": "nope"}).status_code == 400
    assert Comment.objects.count() == 1


def test_the_author_edits_a_comment_and_it_shows_as_edited():
    paper = make_paper_announced_today()
    author = make_user()
    comment = post_comment(author, paper, "Frist")
    browser = signed_in(author)
    form = browser.get(f"/comments/{comment.pk}/edit/")
    assert form.status_code == 200 and "Frist" in form.content.decode()
    response = browser.post(f"/comments/{comment.pk}/edit/", {"body": "First, *fixed*"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>First, <em>fixed</em></p>" and comment.edited_at
    assert "edited" in section(paper)


def test_an_edit_with_htmx_answers_the_discussion_and_a_bad_edit_is_refused():
    paper = make_paper_announced_today()
    author = make_user()
    comment = post_comment(author, paper, "Before")
    browser = signed_in(author)
    response = browser.post(f"/comments/{comment.pk}/edit/", {"body": "After"}, **HTMX)
    assert response.status_code == 200 and "<p>After</p>" in response.content.decode()
    assert browser.post(f"/comments/{comment.pk}/edit/", {"body": ""}).status_code == 400
    comment.refresh_from_db()
    assert comment.body == "After"


def test_others_cannot_edit_or_delete_my_comment():
    paper = make_paper_announced_today()
    comment = post_comment(make_user(), paper, "Mine")
    intruder = signed_in(make_user("eve@example.org", is_curator=True))
    assert intruder.get(f"/comments/{comment.pk}/edit/").status_code == 403
    assert intruder.post(f"/comments/{comment.pk}/edit/", {"body": "Hacked"}).status_code == 403
    assert intruder.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted) == ("Mine", False)


def test_deleting_asks_first_then_keeps_the_replies_under_a_deleted_line():
    paper = make_paper_announced_today()
    author = make_user()
    top = post_comment(author, paper, "Controversial take")
    post_comment(make_user("bo@example.org"), paper, "A reply worth keeping", top)
    browser = signed_in(author)
    confirm = browser.get(f"/comments/{top.pk}/delete/")
    assert confirm.status_code == 200 and "Delete your comment?" in confirm.content.decode()
    response = browser.post(f"/comments/{top.pk}/delete/")
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    html = section(paper)
    assert "[deleted]" in html and "Controversial take" not in html
    assert "A reply worth keeping" in html
    assert comment_count(paper) == 1
    assert browser.post(f"/comments/{top.pk}/edit/", {"body": "back"}).status_code == 404


def test_a_deleted_comment_without_replies_disappears_and_htmx_gets_the_new_discussion():
    paper = make_paper_announced_today()
    author = make_user()
    comment = post_comment(author, paper, "Oops")
    response = signed_in(author).post(f"/comments/{comment.pk}/delete/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Oops" not in html and "No comments yet." in html
    assert comment_count(paper) == 0


def test_a_member_flags_a_comment_once_and_the_author_cannot_flag_their_own():
    paper = make_paper_announced_today()
    author = make_user()
    comment = post_comment(author, paper, "Spam?")
    reader = make_user("bo@example.org")
    browser = signed_in(reader)
    assert browser.post(f"/comments/{comment.pk}/flag/", {"reason": "spam"}).status_code == 302
    browser.post(f"/comments/{comment.pk}/flag/")
    comment.refresh_from_db()
    assert comment.flag_count == 1
    assert CommentFlag.objects.get().reason == "spam"
    assert "Flagged" in section(paper, reader)
    assert signed_in(author).post(f"/comments/{comment.pk}/flag/").status_code == 400


def test_flagging_needs_a_confirmed_email_and_a_csrf_token():
    comment = post_comment(make_user(), make_paper_announced_today(), "Hm")
    unverified = signed_in(make_user("new@example.org", verified=False))
    assert unverified.post(f"/comments/{comment.pk}/flag/").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("bo@example.org"))
    assert strict.post(f"/comments/{comment.pk}/flag/").status_code == 403
    comment.refresh_from_db()
    assert comment.flag_count == 0


def test_curators_hide_and_unhide_comments_and_the_count_follows():
    paper = make_paper_announced_today()
    comment = post_comment(make_user(), paper, "Off-topic rant")
    curator = make_user("cur@example.org", is_curator=True)
    browser = signed_in(curator)
    assert browser.post(f"/comments/{comment.pk}/hide/", {"action": "hide"}).status_code == 302
    assert comment_count(paper) == 0
    assert "Off-topic rant" not in section(paper)
    assert "hidden by a curator" in section(paper, curator)  # curators still see it, marked
    assert "Off-topic rant" in section(paper, curator) and "Unhide" in section(paper, curator)
    response = browser.post(f"/comments/{comment.pk}/hide/", {"action": "unhide"}, **HTMX)
    assert response.status_code == 200 and "Off-topic rant" in response.content.decode()
    assert comment_count(paper) == 1


def test_members_who_are_not_curators_cannot_hide_comments():
    paper = make_paper_announced_today()
    comment = post_comment(make_user(), paper, "Fine comment")
    response = signed_in(make_user("bo@example.org")).post(f"/comments/{comment.pk}/hide/")
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_hidden is False


def test_comments_per_hour_are_limited_per_member(settings):
    settings.COMMENTS_PER_HOUR = 2
    make_paper_announced_today()
    browser = signed_in(make_user())
    assert [browser.post(URL, {"body": f"c{i}"}).status_code for i in range(3)] == [302, 302, 429]
    assert Comment.objects.count() == 2
    # another member has a limit of their own
    assert signed_in(make_user("bo@example.org")).post(URL, {"body": "x"}).status_code == 302


def test_posting_needs_a_signed_in_member_with_a_confirmed_email():
    make_paper_announced_today()
    anonymous = Client().post(URL, {"body": "hi"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    unverified = signed_in(make_user(verified=False)).post(URL, {"body": "hi"})
    assert unverified.status_code == 403
    assert Comment.objects.count() == 0


def test_a_comment_without_the_csrf_token_is_refused():
    make_paper_announced_today()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post(URL, {"body": "hi"}).status_code == 403
    assert Comment.objects.count() == 0


def test_visitors_see_the_discussion_and_a_log_in_link_instead_of_the_form():
    paper = make_paper_announced_today()
    post_comment(make_user(), paper, "Visible to all")
    html = section(paper)
    assert "Visible to all" in html and "Log in to comment" in html
    assert 'name="body"' not in html
    member_view = section(paper, make_user("bo@example.org"))
    assert 'name="body"' in member_view and 'name="csrfmiddlewaretoken"' in member_view
    unconfirmed = section(paper, make_user("new@example.org", verified=False))
    assert "Confirm your email address" in unconfirmed and 'name="body"' not in unconfirmed


def test_edits_past_the_hourly_limit_are_refused_with_429(settings):
    settings.COMMENTS_PER_HOUR = 2
    author = make_user()
    comment = post_comment(author, make_paper_announced_today(), "first words")
    browser = signed_in(author)
    edit = f"/comments/{comment.pk}/edit/"
    assert [browser.post(edit, {"body": f"edit {n}"}).status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    comment.refresh_from_db()
    assert comment.body == "edit 1"
