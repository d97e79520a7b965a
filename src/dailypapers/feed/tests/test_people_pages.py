"""Author, category and member profile pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Collection, CollectionItem, Submission, Vote
from dailypapers.papers.models import Author, Paper
from dailypapers.testing.factories import make_user, store_paper

pytestmark = pytest.mark.django_db


def listed(body: str) -> list[str]:
    return re.findall(r'<a href="/papers/([^"]+)/">', body)


def test_an_author_page_lists_their_papers_newest_first(client):
    store_paper("2412.00001", date(2024, 12, 2), authors=["Ada Lovelace", "Charles Babbage"])
    store_paper("2501.00002", date(2025, 1, 6), authors=["Ada Lovelace"])
    store_paper("2501.00003", date(2025, 1, 7), authors=["Charles Babbage"])
    ada = Author.objects.get(name="Ada Lovelace")
    body = client.get(f"/authors/{ada.pk}/").content.decode()
    assert "<h1>Ada Lovelace</h1>" in body
    assert listed(body) == ["2501.00002", "2412.00001"]


def test_an_author_page_is_paginated(client):
    for number in range(1, 53):
        store_paper(f"2501.{number:05d}", date(2025, 1, 6), authors=["Ada Lovelace"])
    ada = Author.objects.get(name="Ada Lovelace")
    assert len(listed(client.get(f"/authors/{ada.pk}/").content.decode())) == 50
    assert len(listed(client.get(f"/authors/{ada.pk}/?page=2").content.decode())) == 2


def test_an_unknown_author_is_not_found(client):
    assert client.get("/authors/999/").status_code == 404


def test_a_category_page_includes_cross_lists_grouped_by_day_newest_first(client):
    store_paper("2501.00001", date(2025, 1, 6), categories=["cs.LG"])
    store_paper("2501.00002", date(2025, 1, 7), categories=["stat.ML", "cs.LG"])
    store_paper("2501.00003", date(2025, 1, 7), categories=["cs.CV"])
    body = client.get("/categories/cs.LG/").content.decode()
    assert "Papers in cs.LG" in body
    assert listed(body) == ["2501.00002", "2501.00001"]
    tuesday = body.index("Tuesday, 7 January 2025")
    monday = body.index("Monday, 6 January 2025")
    assert tuesday < body.index("/papers/2501.00002/") < monday < body.index("/papers/2501.00001/")
    assert 'href="/day/2025-01-07/?category=cs.LG"' in body


def test_an_unknown_or_malformed_category_is_not_found(client):
    store_paper("2501.00001", date(2025, 1, 6), categories=["cs.LG"])
    assert client.get("/categories/cs.XX/").status_code == 404
    assert client.get("/categories/%3Cscript%3E/").status_code == 404


@pytest.fixture
def member() -> User:
    return make_user(verified=False, password="pw-12345-long", display_name="Ada")


def test_a_profile_shows_the_members_submissions_and_upvotes(client, member):
    store_paper("2412.00001", date(2024, 12, 2))
    store_paper("2501.00002", date(2025, 1, 6))
    store_paper("2501.00003", date(2025, 1, 6))
    submitted = Paper.objects.get(arxiv_id="2412.00001")
    Submission.objects.create(paper=submitted, submitted_by=member, feed_day=date(2025, 1, 6))
    Vote.objects.create(user=member, paper=Paper.objects.get(arxiv_id="2501.00002"))
    body = client.get(f"/u/{member.handle}/").content.decode()
    assert "<h1>Ada</h1>" in body
    submissions = body[body.index("Submitted papers") : body.index("Upvoted papers")]
    upvotes = body[body.index("Upvoted papers") : body.index("Public collections")]
    assert listed(submissions) == ["2412.00001"]
    assert listed(upvotes) == ["2501.00002"]


def test_a_profile_links_public_collections_only(client, member):
    store_paper("2501.00001", date(2025, 1, 6))
    public = Collection.objects.create(owner=member, name="Sorting", slug="sorting", is_public=True)
    Collection.objects.create(owner=member, name="Secret list", slug="secret")
    CollectionItem.objects.create(collection=public, paper=Paper.objects.get())
    body = client.get(f"/u/{member.handle}/").content.decode()
    assert f'<a href="/u/{member.pk}/collections/sorting/">Sorting</a>' in body
    assert "1 paper" in body
    assert "Secret list" not in body


def test_a_profile_without_a_display_name_shows_the_public_name_and_never_the_email(client):
    quiet = User.objects.create_user("quiet.reader@example.org", "pw-12345-long")
    body = client.get(f"/u/{quiet.handle}/").content.decode()
    assert f"<h1>{quiet.public_name}</h1>" in body and "example.org" not in body


def test_unknown_and_deactivated_members_have_no_profile(client, member):
    member.is_active = False
    member.save()
    assert client.get(f"/u/{member.handle}/").status_code == 404
    assert client.get(f"/u/{member.pk}/").status_code == 404
    assert client.get("/u/999/").status_code == 404
    assert client.get("/u/nobody-here/").status_code == 404


def test_a_profile_pages_through_many_submissions_newest_first(client, member):
    for number in range(1, 23):
        store_paper(f"2501.{number:05d}", date(2025, 1, 6))
        paper = Paper.objects.get(arxiv_id=f"2501.{number:05d}")
        Submission.objects.create(paper=paper, submitted_by=member, feed_day=date(2025, 1, 6))
    first = client.get(f"/u/{member.handle}/").content.decode()
    assert listed(first)[0] == "2501.00022" and len(listed(first)) == 20
    assert 'href="?submitted_page=2">Older submissions' in first
    second = client.get(f"/u/{member.handle}/?submitted_page=2").content.decode()
    assert listed(second) == ["2501.00002", "2501.00001"]


@pytest.mark.parametrize(
    "url", ["/authors/99999999999999999999999/", "/u/99999999999999999999999/"]
)
def test_an_absurdly_large_id_is_not_found_rather_than_an_error(client, url):
    assert client.get(url).status_code == 404
