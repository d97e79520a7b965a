"""The paper page: stored details, links, citation, community and related papers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Submission, Vote
from dailypapers.feed.queries import related_papers
from dailypapers.papers.models import Author, Paper
from dailypapers.testing.factories import store_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_paper() -> Paper:
    store_paper(
        "2501.00001",
        date(2025, 1, 6),
        title="R&D of 50% faster sorting",
        authors=["Ada Lovelace", "Charles Babbage"],
        categories=["cs.DS", "cs.LG"],
        comments="12 pages, 3 figures",
        journal_ref="J. Sorting 7 (2025) 1-12",
        doi="10.1000/sort.7",
        license="http://creativecommons.org/licenses/by/4.0/",
        report_no="TR-2025-01",
        submitted_at=datetime(2024, 12, 30, 10, 0, tzinfo=UTC),
        abstract="We sort. Code: https://github.com/ada/sort",
        version=3,
    )
    return Paper.objects.get(arxiv_id="2501.00001")


def test_the_paper_page_links_authors_categories_and_the_announcement_day(client, full_paper):
    body = client.get("/papers/2501.00001/").content.decode()
    ada = Author.objects.get(name="Ada Lovelace")
    assert f'<a href="/authors/{ada.pk}/">Ada Lovelace</a>' in body
    assert 'href="/categories/cs.DS/"' in body and 'href="/categories/cs.LG/"' in body
    assert 'href="/day/2025-01-06/">6 January 2025</a>' in body


def test_the_paper_page_shows_every_stored_field(client, full_paper):
    body = client.get("/papers/2501.00001/").content.decode()
    for expected in (
        "2501.00001v3",
        "30 December 2024",
        "12 pages, 3 figures",
        "J. Sorting 7 (2025) 1-12",
        'href="https://doi.org/10.1000/sort.7"',
        'href="http://creativecommons.org/licenses/by/4.0/" rel="license"',
        "TR-2025-01",
        'href="https://arxiv.org/abs/2501.00001"',
        'href="https://arxiv.org/pdf/2501.00001"',
        'href="https://github.com/ada/sort"',
    ):
        assert expected in body, expected


def test_the_paper_page_offers_a_bibtex_entry_to_copy(client, full_paper):
    body = client.get("/papers/2501.00001/").content.decode()
    assert '<pre class="bibtex"' in body
    assert "@article{lovelace2024r," in body  # a journal reference makes it an article
    assert r"title = {R\&amp;D of 50\% faster sorting}" in body  # LaTeX- and HTML-escaped
    assert "eprint = {2501.00001}" in body and "primaryClass = {cs.DS}" in body


def test_the_paper_page_names_the_member_who_submitted_it(client, full_paper):
    member = User.objects.create_user("ada@example.org", "pw-12345-long", display_name="Ada L")
    Submission.objects.create(paper=full_paper, submitted_by=member, feed_day=date(2025, 1, 9))
    body = client.get("/papers/2501.00001/").content.decode()
    assert 'Submitted to the feed of <a href="/day/2025-01-09/">9 January 2025</a>' in body
    assert 'by <a href="/u/ada-l/">Ada L</a>' in body


def test_the_paper_page_has_a_comments_section_and_knows_the_viewers_vote(client, full_paper):
    member = User.objects.create_user("bob@example.org", "pw-12345-long")
    Vote.objects.create(user=member, paper=full_paper)
    assert client.get("/papers/2501.00001/").context["voted"] is False
    client.force_login(member)
    response = client.get("/papers/2501.00001/")
    assert response.context["voted"] is True
    assert 'id="comments"' in response.content.decode()


def test_related_papers_prefer_shared_authors_then_the_same_primary_category(full_paper):
    store_paper("2501.00002", date(2025, 1, 2), authors=["Ada Lovelace", "Charles Babbage"])
    store_paper("2501.00003", date(2025, 1, 7), authors=["Charles Babbage"], categories=["math.CO"])
    store_paper("2501.00004", date(2025, 1, 8), authors=["Someone Else"], categories=["cs.DS"])
    store_paper("2501.00005", date(2025, 1, 8), authors=["Another"], categories=["hep-th"])
    related = [paper.arxiv_id for paper in related_papers(full_paper, limit=5)]
    assert related == ["2501.00002", "2501.00003", "2501.00004"]
    assert [paper.arxiv_id for paper in related_papers(full_paper, limit=1)] == ["2501.00002"]


def test_the_paper_page_lists_related_papers(client, full_paper):
    store_paper("2501.00002", date(2025, 1, 2), authors=["Ada Lovelace"], title="Older sorting")
    body = client.get("/papers/2501.00001/").content.decode()
    assert "Related papers" in body
    assert '<a href="/papers/2501.00002/">Older sorting</a>' in body


def test_the_paper_page_stays_within_a_fixed_number_of_queries(
    client, full_paper, django_assert_max_num_queries
):
    for number in range(2, 12):
        store_paper(f"2501.{number:05d}", date(2025, 1, 6), authors=["Ada Lovelace"])
    member = User.objects.create_user("bob@example.org", "pw-12345-long")
    client.force_login(member)
    # session, user, paper, authors, vote, related (2), plus what the partials ask
    with django_assert_max_num_queries(14):
        assert client.get("/papers/2501.00001/").status_code == 200


def test_a_garbage_paper_id_is_not_found(client):
    assert client.get("/papers/not-an-id/").status_code == 404
