"""What a digest looks like when it arrives: parts, headers, links, and what it holds."""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from dailypapers.digests import runs
from dailypapers.digests.models import Delivery, DigestRun, SentPaper, Subscriber
from dailypapers.digests.selection import RunPapers
from dailypapers.feed.models import Topic
from dailypapers.testing.factories import DIGEST_DAY, make_ranked_paper, make_subscriber

pytestmark = pytest.mark.django_db


def run_digests(django_capture_on_commit_callbacks, now=None) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        return runs.check(now or timezone.now())


def test_digest_has_a_plain_text_and_an_html_part_with_every_paper_linked(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    best = make_ranked_paper(
        score=9.0, title="Best paper ever", code_links=["https://example.org/code"]
    )
    other = make_ranked_paper(score=2.0, title="Second paper")
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "reader@example.com"
    assert "Best paper ever" in message["Subject"]
    assert "4 Mar 2026" in message["Subject"]
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.index("Best paper ever") < text.index("Second paper")
    for paper in (best, other):
        assert f'href="http://testserver/papers/{paper.arxiv_id}/"' in html
    assert "Ada Example, Bo Sample" in html
    assert 'href="https://example.org/code"' in html
    assert "Example Papers Ltd, 1 Test Street, Testville" in html
    assert "Example Papers Ltd, 1 Test Street, Testville" in text
    # CSS is inlined, and nothing remote is needed.
    assert 'style="' in html and "<img" not in html and "<link" not in html
    assert "prefers-color-scheme: dark" in html


def test_headers_offer_one_click_unsubscribe_and_identify_the_message(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    make_ranked_paper()
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    unsubscribe = message["List-Unsubscribe"]
    https_url, mailto = re.findall(r"<([^>]+)>", unsubscribe)
    assert https_url.startswith("http://testserver/digests/unsubscribe/")
    assert mailto.startswith("mailto:unsubscribe@example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Date"]
    delivery = Delivery.objects.get()
    assert message["Message-ID"] == delivery.message_id
    html = message.get_body(("html",)).get_content()
    assert https_url in html  # the visible link is the same one
    assert "/digests/preferences/" in html and "View in browser" in html


def test_a_paper_is_never_sent_twice_and_no_email_goes_out_when_nothing_is_new(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    first = [make_ranked_paper(score=10 - i) for i in range(3)]
    two_days_ago = timezone.now() - timedelta(days=2)
    subscriber = make_subscriber(
        "reader@example.com", top_n=2, due=two_days_ago - timedelta(minutes=1)
    )
    run_digests(django_capture_on_commit_callbacks, two_days_ago)
    assert len(smtp_sink.wait_for(1)) == 1
    subscriber.refresh_from_db()
    assert subscriber.covered_until == DIGEST_DAY
    # The next day, nothing announced since: a run, but no email at all.
    yesterday = two_days_ago + timedelta(days=1)
    run_digests(django_capture_on_commit_callbacks, yesterday)
    assert len(smtp_sink.messages) == 1
    assert Delivery.objects.filter(state="empty").count() == 1
    # A new announcement day: only the new paper comes, not the unsent old one.
    new = make_ranked_paper(DIGEST_DAY + timedelta(days=1), score=1.0, title="Tomorrow's paper")
    run_digests(django_capture_on_commit_callbacks, timezone.now())
    messages = smtp_sink.wait_for(2)
    second_text = messages[1].get_body(("plain",)).get_content()
    assert "Tomorrow's paper" in second_text
    for paper in first:
        assert paper.title not in second_text
    assert DigestRun.objects.count() == 3
    sent = list(SentPaper.objects.filter(subscriber=subscriber).values_list("paper_id", flat=True))
    assert sorted(sent) == sorted([first[0].pk, first[1].pk, new.pk])


def test_category_subscribers_get_only_their_categories(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    make_ranked_paper(score=9, categories="cs.CV", title="Vision paper")
    make_ranked_paper(score=1, categories="cs.CL cs.LG", title="Language paper")
    make_subscriber("words@example.com", content="topics", categories=["cs.CL"])
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Language paper" in text and "Vision paper" not in text


def test_topic_subscribers_get_the_papers_of_their_topics(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    topic = Topic.objects.create(name="Vision", slug="vision", categories=["cs.CV"])
    make_ranked_paper(score=9, categories="cs.CL", title="Language paper")
    make_ranked_paper(score=1, categories="cs.CV", title="Vision paper")
    make_subscriber("topical@example.com", content="topics", topic_ids=[topic.pk])
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Vision paper" in text and "Language paper" not in text
    assert "New in your topics" in text


def test_categories_typed_in_lower_case_still_find_their_papers(
    client, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    make_ranked_paper(score=9, categories="cs.CV", title="Vision paper")
    make_ranked_paper(score=1, categories="cs.CL cs.LG", title="Language paper")
    form = {"email": "lower@example.com", "frequency": "daily", "content": "topics",
            "categories": "cs.cl, CS.CL hep-TH", "top_n": "5"}  # fmt: skip
    assert client.post("/digests/subscribe/", form).status_code == 302
    subscriber = Subscriber.objects.get(email="lower@example.com")
    assert subscriber.categories == ["cs.CL", "hep-th"]
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmed_at=timezone.now(), next_due_at=timezone.now()
    )
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Language paper" in text and "Vision paper" not in text


def test_a_topic_list_ranked_short_for_one_subscriber_is_not_cut_short_for_the_next():
    topic = Topic.objects.create(name="Vision", slug="vision", categories=["cs.CV"])
    for score in range(6):
        make_ranked_paper(score=score, categories="cs.CV")
    run = DigestRun.objects.create(slot=timezone.now(), latest_day=DIGEST_DAY)
    papers = RunPapers(run)
    assert len(papers.topic_list(topic.pk, DIGEST_DAY, 2)) == 2
    assert len(papers.topic_list(topic.pk, DIGEST_DAY, 5)) == 5
    assert len(papers.topic_list(topic.pk, DIGEST_DAY, 3)) >= 3


def test_personal_subscribers_get_recommendations_for_their_account(
    django_user_model, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    member = django_user_model.objects.create_user("member@example.com", "pw")
    make_ranked_paper(score=5, title="Trending paper")
    make_ranked_paper(score=1, title="Quiet paper")
    make_subscriber("member@example.com", content="personal", user=member, top_n=1)
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Recommended for you" in text
    # A member with no votes yet: the scorer's cold start (or our fallback) picks trending.
    assert "Trending paper" in text


def test_the_digest_can_be_read_on_the_site_from_its_view_link(
    client, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    make_ranked_paper(title="Readable on the web")
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    html = message.get_body(("html",)).get_content()
    view_url = re.search(r'href="(http://testserver/digests/view/[^"]+)"', html).group(1)
    response = client.get(view_url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert "Readable on the web" in response.content.decode()
    assert client.get("/digests/view/1/forged:token/").status_code == 404


def test_dkim_signature_covers_the_list_headers(
    settings, tmp_path, smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    dkim = pytest.importorskip("dkim")
    key = tmp_path / "dkim.pem"
    try:
        subprocess.run(
            ["openssl", "genrsa", "-traditional", "-out", str(key), "1024"],
            check=True, capture_output=True,
        )  # fmt: skip
        public = subprocess.run(
            ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl could not make a key: {exc}")
    settings.DIGEST_DKIM_KEY_FILE = str(key)
    settings.DIGEST_DKIM_SELECTOR = "sel"
    settings.DIGEST_DKIM_DOMAIN = "example.org"
    raw_messages: list[bytes] = []
    receive = smtp_sink._receive

    def keep_raw(mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        raw_messages.append(raw)  # as it came over the wire, before any parsing
        receive(mail_from, rcpt_tos, raw)

    smtp_sink._receive = keep_raw
    make_ranked_paper()
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    signature = message["DKIM-Signature"]
    signed = re.search(r"h=([^;]+)", signature.replace("\r\n", "").replace(" ", "")).group(1)
    assert "list-unsubscribe" in signed.lower().split(":")
    assert "list-unsubscribe-post" in signed.lower().split(":")
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(raw_messages[0], dnsfunc=lambda name, timeout=5: record)
    tampered = raw_messages[0].replace(b"List-Unsubscribe-Post: List", b"List-Unsubscribe-Post:  X")
    assert not dkim.verify(tampered, dnsfunc=lambda name, timeout=5: record)


def test_a_trending_digest_without_votes_says_what_ranked_it_and_uses_the_fallback(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    make_ranked_paper(score=0.0, title="Plain paper")
    make_ranked_paper(score=0.0, title="Paper with code", code_links=["https://example.org/c"],
               has_code=True)  # fmt: skip
    make_ranked_paper(
        score=0.0, title="Widely cross-listed paper", categories="cs.LG cs.AI stat.ML"
    )
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    note = "No votes yet in the last 30 days: papers of the latest 7 days are ranked by"
    assert note in text and note in html
    # 1 + 1 (code) = 2 before 1 + 0.25 × 2 (two cross-lists) = 1.5 before 1
    order = [text.index(t) for t in ("Paper with code", "Widely cross-listed", "Plain paper")]
    assert order == sorted(order)


def test_a_trending_digest_with_enough_votes_has_no_fallback_note(
    smtp_sink, immediate_tasks, django_capture_on_commit_callbacks
):
    for rank in range(10):
        make_ranked_paper(score=10.0 - rank)
    make_subscriber("reader@example.com")
    run_digests(django_capture_on_commit_callbacks)
    [message] = smtp_sink.wait_for(1)
    assert "ranked by" not in message.get_body(("plain",)).get_content()
