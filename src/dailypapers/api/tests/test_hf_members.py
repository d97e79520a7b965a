"""Handles and author claims in the Hugging Face-compatible API, read with the real
huggingface_hub client: submitter=<handle>, submittedBy, author status/user and
isAuthorParticipating."""

from __future__ import annotations

import pytest

from dailypapers.feed.community.services.comments import post_comment
from dailypapers.feed.models import AuthorClaim
from dailypapers.testing.factories import (
    make_claim,
    make_member,
    make_submission,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db(transaction=True)

DAY = "2025-01-08"


def test_the_submitter_filter_takes_a_handle_in_any_case(hub):
    ada = make_member(name="Ada Lovelace", handle="ada")
    make_submission(store_detailed_paper("2501.00001"), ada)
    make_submission(store_detailed_paper("2501.00002"), make_member("g@example.org", "Grace"))
    for submitter in ("ada", "ADA", str(ada.pk)):  # the member id of old still works
        found = [info.id for info in hub.list_daily_papers(date=DAY, submitter=submitter)]
        assert found == ["2501.00001"], submitter
    assert list(hub.list_daily_papers(date=DAY, submitter="nobody")) == []


def test_submitted_by_carries_the_handle_and_the_public_name(hub):
    make_submission(store_detailed_paper("2501.00001"), make_member(name="Ada L", handle="ada"))
    [info] = hub.list_daily_papers(date=DAY)
    assert (info.submitted_by.username, info.submitted_by.fullname) == ("ada", "Ada L")
    paper = hub.paper_info("2501.00001")
    assert (paper.submitted_by.username, paper.submitted_by.fullname) == ("ada", "Ada L")


def test_an_approved_author_has_a_status_and_the_member_as_user(hub):
    paper = store_detailed_paper("2501.00001")  # Ada Lovelace, Alan Turing
    claim = make_claim(make_member(name="Alan", handle="alan"), paper, 1, status="approved")
    make_claim(make_member("ada@example.com", name="Ada", handle="ada"), paper, 0)  # pending
    ada_author, alan_author = hub.paper_info("2501.00001").authors
    assert ada_author.status is None and ada_author.user is None
    assert alan_author.status == "claimed_verified"
    assert alan_author.user.username == "alan" and alan_author.user.fullname == "Alan"
    assert alan_author.status_last_changed_at == claim.decided_at
    [daily] = hub.list_daily_papers(date=DAY)
    assert [author.status for author in daily.authors] == [None, "claimed_verified"]


def test_unclaimed_authors_have_only_a_name_and_hidden_as_on_the_hub(client):
    store_detailed_paper("2501.00001")
    [item] = client.get(f"/api/daily_papers?date={DAY}").json()
    assert item["paper"]["authors"][0] == {"name": "Ada Lovelace", "hidden": False}


def test_an_author_is_participating_once_an_approved_claimant_comments(client, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0  # lists are kept a minute, as pages are
    paper = store_detailed_paper("2501.00001")
    alan = make_member(name="Alan", handle="alan")
    claim = make_claim(alan, paper, 1)
    post_comment(alan, paper, "We wrote this.")

    def participating() -> bool:
        [item] = client.get(f"/api/daily_papers?date={DAY}").json()
        return item["isAuthorParticipating"]

    assert not participating()  # the claim is pending
    AuthorClaim.objects.filter(pk=claim.pk).update(status=AuthorClaim.APPROVED)
    assert participating()


def test_an_author_is_participating_when_an_approved_claimant_submitted_the_paper(client):
    paper = store_detailed_paper("2501.00001")
    alan = make_member(name="Alan", handle="alan")
    make_submission(paper, alan)
    make_claim(alan, paper, 1, status="approved")
    make_claim(make_member("a@example.com", "Ada", handle="ada"), paper, 0, status="approved")
    [item] = client.get(f"/api/daily_papers?date={DAY}").json()
    assert item["isAuthorParticipating"] is True


def test_comments_by_others_do_not_make_an_author_participate(client):
    paper = store_detailed_paper("2501.00001")
    make_claim(make_member(name="Alan", handle="alan"), paper, 1, status="approved")
    post_comment(make_member("g@example.org", "Grace"), paper, "Nice.")
    [item] = client.get(f"/api/daily_papers?date={DAY}").json()
    assert item["isAuthorParticipating"] is False


def test_a_list_loads_every_papers_claims_in_one_query(client, django_assert_max_num_queries):
    for number in range(1, 6):
        paper = store_detailed_paper(f"2501.0000{number}")
        member = make_member(f"m{number}@example.org", f"Member {number}")
        make_claim(member, paper, 0, status="approved")
        make_submission(paper, member)
    with django_assert_max_num_queries(4) as captured:
        items = client.get(f"/api/daily_papers?date={DAY}").json()
    assert len(items) == 5 and all(item["isAuthorParticipating"] for item in items)
    assert sum("feed_authorclaim" in query["sql"] for query in captured.captured_queries) == 1
