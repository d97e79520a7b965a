"""Hostile records through every page, feed and the digest: HTML and JS come out as text.

The review's first attack class: markup in titles, abstracts, author names, topic and
collection names, comments. Pages must escape it; RSS (whose titles and descriptions
readers treat as HTML) must carry no markup once the XML is decoded (issue 16 #12); Atom
text elements may hold "<" as text; the digest's HTML part escapes and its text part is
text. Private-use characters in ingested text must not fake search highlights.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from dailypapers.accounts.models import User
from dailypapers.feed.community.services.collections import add_paper, create_collection
from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.models import Topic
from dailypapers.papers.models import Author, Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db

ATTACKS = {
    "title": "<script>alert('title')</script> Graph learning",
    "abstract": "Graph <img src=x onerror=alert('abstract')> learning & more.",
    "author": "<svg onload=alert('author')>",
    "collection": "<img src=x onerror=alert('collection')>",
    "collection_description": "<iframe src=javascript:alert('description')>",
    "topic": "<img src=x onerror=alert('topic')>",
    "comment": "<script>alert('comment')</script> [x](javascript:alert('link'))",
    "display_name": "<b onmouseover=alert('member')>Mallory</b>",
}
# What must never appear as markup: each attack's opening tag.
RAW_TAGS = ("<script>", "<img src=x", "<svg onload", "<iframe", "<b onmouseover")
# Elements whose decoded text readers render as HTML: RSS titles and descriptions, Atom
# constructs of type="html". Others (Atom text, dc:creator) are plain text by definition.
HTML_ELEMENTS = {"title", "description"}


@pytest.fixture
def hostile() -> dict[str, object]:
    today = date.today()
    paper = store_paper(
        "2501.00666",
        day=today,
        title=ATTACKS["title"],
        abstract=ATTACKS["abstract"],
        authors=[ATTACKS["author"], "Ada Lovelace"],
    )
    member = User.objects.create_user(
        "mallory@example.org",
        "a-long-Passphrase-4711",
        display_name=ATTACKS["display_name"],
        email_verified_at=timezone.now(),
    )
    collection = create_collection(
        member, ATTACKS["collection"], ATTACKS["collection_description"], is_public=True
    )
    add_paper(collection, paper)
    topic = Topic.objects.create(
        name=ATTACKS["topic"], slug="hostile", query="graph", description=ATTACKS["topic"]
    )
    post_comment(member, paper, ATTACKS["comment"])
    author = Author.objects.get(name=ATTACKS["author"])
    return {"paper": paper, "member": member, "collection": collection, "topic": topic,
            "author": author}  # fmt: skip


def pages(h: dict) -> list[str]:
    paper, member, collection = h["paper"], h["member"], h["collection"]
    return [
        "/", "/trending/", f"/papers/{paper.arxiv_id}/", "/search/?q=graph",
        f"/authors/{h['author'].pk}/", f"/u/{member.handle}/",
        f"/u/{member.pk}/collections/{collection.slug}/", "/topics/", "/topics/hostile/",
        "/categories/cs.LG/",
    ]  # fmt: skip


def feeds(h: dict) -> list[str]:
    member, collection = h["member"], h["collection"]
    paths = []
    for fmt in ("rss", "atom"):
        paths += [
            f"/feeds/daily/{fmt}", f"/feeds/trending/{fmt}", f"/feeds/categories/cs.LG/{fmt}",
            f"/feeds/authors/{h['author'].pk}/{fmt}",
            f"/feeds/collections/{member.pk}/{collection.slug}/{fmt}",
            f"/feeds/topics/hostile/{fmt}",
            f"/feeds/search/{fmt}?q=graph+%3Cscript%3Ealert(1)%3C/script%3E",
        ]  # fmt: skip
    return paths


def test_every_page_shows_hostile_text_escaped(client, hostile):
    for path in pages(hostile):
        response = client.get(path)
        if response.status_code == 404 and path.startswith("/categories/"):
            continue  # no category page at this address
        assert response.status_code == 200, path
        body = response.content.decode()
        for tag in RAW_TAGS:
            assert tag not in body, f"{tag} raw in {path}"


def test_a_signed_in_members_own_pages_show_hostile_text_escaped(client, hostile):
    client.force_login(hostile["member"])
    for path in ("/collections/", "/accounts/settings/", "/for-you/", "/topics/hostile/",
                 f"/papers/{hostile['paper'].arxiv_id}/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        for tag in RAW_TAGS:
            assert tag not in response.content.decode(), f"{tag} raw in {path}"


def test_the_comment_is_text_and_its_javascript_link_is_dropped(client, hostile):
    body = client.get(f"/papers/{hostile['paper'].arxiv_id}/").content.decode()
    assert "&lt;script&gt;alert" in body
    assert 'href="javascript:' not in body


def _decoded_texts(document: bytes) -> list[tuple[str, str, str]]:
    root = ET.fromstring(document)
    return [(el.tag, el.get("type", ""), el.text or "") for el in root.iter()]


def test_every_feed_carries_no_markup_once_the_xml_is_decoded(client, hostile):
    for path in feeds(hostile):
        response = client.get(path)
        assert response.status_code == 200, path
        for tag, kind, text in _decoded_texts(response.content):
            if tag not in HTML_ELEMENTS and kind != "html":
                continue
            for raw in RAW_TAGS:
                assert raw not in text, f"{raw} as markup in <{tag}> of {path}"


def test_rss_channel_text_shows_the_names_as_typed_once_rendered(client, hostile):
    member, collection = hostile["member"], hostile["collection"]
    rss = client.get(f"/feeds/collections/{member.pk}/{collection.slug}/rss").content
    channel = ET.fromstring(rss).find("channel")
    assert "&lt;img src=x onerror" in channel.findtext("title")
    assert "&lt;iframe" in channel.findtext("description")
    assert "&lt;script&gt;" in channel.find("item").findtext("title")


def test_the_digest_escapes_hostile_records_in_html_and_keeps_text_plain(
    hostile, tmp_path: Path, capsys, settings
):
    from dailypapers.digests.models import Subscriber

    settings.SITE_URL = "http://testserver"
    Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    Paper.objects.filter(pk=hostile["paper"].pk).update(trending_score=5.0)
    html_file = tmp_path / "digest.html"
    call_command("digest", "preview", "reader@example.org", "--html", str(html_file))
    text = capsys.readouterr().out
    assert "<script>alert('title')</script> Graph learning" in text  # text is text
    html = html_file.read_text()
    assert "Graph learning" in html
    for tag in RAW_TAGS:
        assert tag not in html


def test_private_use_characters_in_ingested_text_cannot_fake_highlights(client):
    store_paper(
        "2501.00777",
        title="Plain \ue000fake mark\ue001 graphs",
        abstract="About graphs. \ue000Not a real match\ue001 here.",
        authors=["Eve \ue002 Example"],
    )
    paper = Paper.objects.get(arxiv_id="2501.00777")
    assert not any(c in paper.title + paper.abstract for c in "\ue000\ue001\ue002")
    assert "\ue002" not in "".join(paper.author_names)
    body = client.get("/search/?q=graphs").content.decode()
    assert "<mark>fake mark</mark>" not in body and "<mark>Not a real match</mark>" not in body
