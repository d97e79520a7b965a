"""The paper page's content through Jinja2 (feed/discovery/services/paper_body.py): the same
markup and escaping as the Django partials it stands in for, and members still get those."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.models import AuthorClaim
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import (
    make_claim,
    make_member,
    make_thumbnail,
    signed_in,
    store_paper,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> Tom's & Jerry's"
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom&#x27;s &amp; Jerry&#x27;s"


def squeeze(html: str) -> str:
    """Markup without the whitespace between tags, which templates lay out differently."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def anonymous_request(paper: Paper):
    request = RequestFactory().get(f"/papers/{paper.arxiv_id}/")
    request.user = AnonymousUser()
    return request


def page(client, paper: Paper) -> str:
    response = client.get(f"/papers/{paper.arxiv_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_hostile_text_in_every_field_is_escaped_as_django_escapes_it(client):
    paper = store_paper(
        "2501.00001",
        date(2025, 1, 6),
        title=HOSTILE,
        abstract=HOSTILE,
        authors=[HOSTILE, "Ada Lovelace"],
        comments=HOSTILE,
        journal_ref=HOSTILE,
        report_no=HOSTILE,
        license=HOSTILE,
    )
    body = page(client, paper)
    assert "<script>alert" not in body
    # title (h1 and <title>), abstract, author link, comments, journal ref, report no, license,
    # BibTeX: Django's entities (&quot;, &#x27;), not markupsafe's (&#34;, &#39;).
    assert body.count(ESCAPED) >= 8
    assert "&#34;" not in body and "&#39;" not in body


def test_an_abstract_keeps_its_paragraphs_and_a_missing_one_says_so(client):
    paper = store_paper("2501.00001", date(2025, 1, 6), abstract="First <b>part</b>.\n\nSecond.")
    body = page(client, paper)
    assert (
        '<div class="abstract"><p>First &lt;b&gt;part&lt;/b&gt;.</p>\n\n<p>Second.</p></div>'
        in body
    )
    Paper.objects.filter(pk=paper.pk).update(abstract="")
    assert '<div class="abstract"><p>No abstract was given.</p></div>' in page(client, paper)


def test_a_signed_out_reader_gets_the_same_community_markup_as_the_django_partials(client):
    paper = store_paper("2501.00001", date(2025, 1, 6), authors=["Ada Lovelace", "Alan Turing"])
    request = anonymous_request(paper)
    body = squeeze(page(client, paper))
    context = {"paper": paper, "voted": False, "auto_full": True}
    claim_box = engines["django"].from_string("{% load claims %}{% claim_box paper %}")
    for partial in (
        squeeze(claim_box.render({"paper": paper}, request)),
        *(
            squeeze(render_to_string(name, context, request))
            for name in (
                "feed/community/_vote.html",
                "feed/community/_collection_picker.html",
                "feed/community/_comments.html",
                "summaries/_auto_summary.html",
                "thumbnails/_paper.html",
            )
        ),
    ):
        assert partial in body, partial


def test_the_summary_and_thumbnail_match_their_partials_when_there_is_one(client):
    paper = store_paper("2501.00001", date(2025, 1, 6))
    make_thumbnail(paper)
    paper = Paper.objects.with_submitter().get(pk=paper.pk)
    partial = render_to_string("thumbnails/_paper.html", {"paper": paper})
    assert 'class="paper-thumb" href=' in partial
    assert squeeze(partial) in squeeze(page(client, paper))
    summary = render_to_string("summaries/_auto_summary.html", {"paper": paper, "auto_full": True})
    assert squeeze(summary) in squeeze(page(client, paper))


def test_an_approved_claim_links_the_author_to_the_member(client):
    paper = store_paper("2501.00001", date(2025, 1, 6), authors=["Ada Lovelace", "Alan Turing"])
    member = make_member("ada@example.org", name="Ada L.")
    make_claim(member, paper, 0, status=AuthorClaim.APPROVED)
    body = page(client, paper)
    assert f'class="claimed-author" href="/u/{member.handle}/"' in body


def test_a_signed_out_reader_sees_the_comments_of_a_discussed_paper(client):
    paper = store_paper("2501.00001", date(2025, 1, 6))
    post_comment(make_member(), paper, "A <b>fine</b> paper")
    body = page(client, paper)
    assert "A <b>fine</b> paper" not in body  # Markdown rendered safely at save
    assert "fine" in body and "Log in to comment" in body
    assert 'class="empty">No comments yet.' not in body


def test_a_member_gets_the_django_partials_with_their_forms(client):
    paper = store_paper("2501.00001", date(2025, 1, 6), authors=["Ada Lovelace"])
    member = make_member()
    body = signed_in(member).get(f"/papers/{paper.arxiv_id}/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'action="/papers/2501.00001/vote/"' in body or 'class="vote' in body
    assert "Claim this author" in body
    assert "Save to a new collection named" in body
    assert 'id="new-comment"' in body
    assert "log in to upvote" not in body
