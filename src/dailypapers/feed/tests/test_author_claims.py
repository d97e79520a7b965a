"""Author claims: a member claims an author of a paper, a curator approves or rejects, the
member may withdraw; approved authors link to the member's profile."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from dailypapers.feed.community.services.claims import ClaimRefused, claim_author, decide
from dailypapers.feed.models import AuthorClaim
from dailypapers.testing.factories import (
    make_claim,
    make_curator,
    make_member,
    make_user,
    signed_in,
    store_paper,
)

pytestmark = pytest.mark.django_db

AUTHORS = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
PAGE = "/papers/2501.00001/"


@pytest.fixture
def paper():
    return store_paper("2501.00001", authors=AUTHORS)


@pytest.fixture
def ada():
    return make_member(name="Ada", handle="ada")


@pytest.fixture
def curator():
    return make_curator(display_name="Cy", handle="cy")


def claim_of(member) -> AuthorClaim:
    return AuthorClaim.objects.get(member=member)


# Claiming


def test_a_member_claims_an_author_and_the_claim_waits_for_a_curator(paper, ada):
    browser = signed_in(ada)
    response = browser.post(f"{PAGE}claims/", {"position": "0", "next": PAGE})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#authors-claims"
    claim = claim_of(ada)
    assert (claim.position, claim.name, claim.status) == (0, "Ada Lovelace", "pending")
    assert claim.author is not None and claim.author.name == "Ada Lovelace"
    page = browser.get(PAGE).content.decode()
    assert "waiting for a curator" in page and "Withdraw my claim" in page
    assert 'class="claimed-author"' not in page  # not before a curator approves


def test_the_paper_page_offers_the_claim_form_to_members_and_a_login_to_visitors(paper, ada):
    page = signed_in(ada).get(PAGE).content.decode()
    assert f'action="{PAGE}claims/"' in page
    assert '<option value="1">Grace Hopper</option>' in page
    visitor = Client().get(PAGE).content.decode()
    assert "to claim your name on this paper" in visitor and "claims/" not in visitor


def test_visitors_and_unverified_members_cannot_claim(paper):
    assert Client().post(f"{PAGE}claims/", {"position": "0"}).status_code == 302
    unverified = signed_in(make_user("new@example.org", verified=False))
    assert unverified.post(f"{PAGE}claims/", {"position": "0"}).status_code == 403
    assert not AuthorClaim.objects.exists()


@pytest.mark.parametrize("position", ["3", "-1", "first", ""])
def test_a_claim_of_no_such_author_is_refused(paper, ada, position):
    response = signed_in(ada).post(f"{PAGE}claims/", {"position": position}, follow=True)
    assert "This paper has no such author." in response.content.decode()
    assert not AuthorClaim.objects.exists()


def test_a_member_has_one_live_claim_per_paper(paper, ada):
    claim_author(ada, paper, 0)
    with pytest.raises(ClaimRefused, match="already claim an author"):
        claim_author(ada, paper, 0)
    with pytest.raises(ClaimRefused, match="already claim an author"):
        claim_author(ada, paper, 1)


def test_the_database_refuses_a_second_live_claim_of_the_same_author_by_the_same_member(paper, ada):
    make_claim(ada, paper, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_claim(ada, paper, 0)


def test_the_database_refuses_a_second_approved_claim_of_one_author(paper, ada):
    make_claim(ada, paper, 0, status=AuthorClaim.APPROVED)
    grace = make_member("grace@example.org", name="Grace")
    make_claim(grace, paper, 0)  # pending claims of a claimed author may wait
    with pytest.raises(IntegrityError), transaction.atomic():
        make_claim(make_member("eve@example.org", name="Eve"), paper, 0, status="approved")


def test_withdrawn_and_rejected_claims_leave_the_slot_free(paper, ada):
    make_claim(ada, paper, 0, status=AuthorClaim.WITHDRAWN)
    make_claim(ada, paper, 0, status=AuthorClaim.REJECTED)
    assert claim_author(ada, paper, 1).status == AuthorClaim.PENDING


def test_an_author_already_claimed_cannot_be_claimed_again(paper, ada):
    make_claim(make_member("grace@example.org", name="Grace"), paper, 1, status="approved")
    with pytest.raises(ClaimRefused, match="Grace Hopper is already claimed"):
        claim_author(ada, paper, 1)


def test_a_rejected_claim_is_not_made_again(paper, ada):
    make_claim(ada, paper, 0, status=AuthorClaim.REJECTED)
    with pytest.raises(ClaimRefused, match="turned down"):
        claim_author(ada, paper, 0)


# Deciding


def test_a_curator_sees_the_queue_and_approves_a_claim(paper, ada, curator):
    claim = make_claim(ada, paper, 1)
    browser = signed_in(curator)
    queue = browser.get("/staff/claims/").content.decode()
    assert "Grace Hopper" in queue and "@ada" in queue
    assert f'action="/staff/claims/{claim.pk}/decide/"' in queue
    response = browser.post(f"/staff/claims/{claim.pk}/decide/", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == "/staff/claims/"
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == curator
    assert claim.decided_at is not None
    assert "No claims are waiting." in browser.get("/staff/claims/").content.decode()


def test_a_curator_rejects_a_claim(paper, ada, curator):
    claim = make_claim(ada, paper, 0)
    signed_in(curator).post(f"/staff/claims/{claim.pk}/decide/", {"action": "reject"})
    claim.refresh_from_db()
    assert claim.status == "rejected"


def test_staff_may_decide_too(paper, ada):
    staff = make_user("staff@example.org", is_staff=True)
    claim = make_claim(ada, paper, 0)
    signed_in(staff).post(f"/staff/claims/{claim.pk}/decide/", {"action": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_members_cannot_see_the_queue_or_decide(paper, ada):
    claim = make_claim(ada, paper, 0)
    decide_url, approve = f"/staff/claims/{claim.pk}/decide/", {"action": "approve"}
    grace = signed_in(make_member("grace@example.org", name="Grace"))
    assert grace.get("/staff/claims/").status_code == 404
    assert grace.post(decide_url, approve).status_code == 404
    assert signed_in(ada).post(decide_url, approve).status_code == 404
    visitor = Client()
    assert visitor.get("/staff/claims/").status_code == 302
    assert visitor.post(decide_url, approve).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_a_curator_does_not_decide_their_own_claim(paper, curator):
    claim = make_claim(curator, paper, 0)
    with pytest.raises(ClaimRefused, match="Another curator"):
        decide(claim.pk, curator, approve=True)


def test_a_claim_is_decided_once(paper, ada, curator):
    claim = make_claim(ada, paper, 0)
    decide(claim.pk, curator, approve=False)
    with pytest.raises(ClaimRefused, match="already rejected"):
        decide(claim.pk, curator, approve=True)


def test_approving_a_second_claim_of_a_claimed_author_is_refused(paper, ada, curator):
    grace = make_member("grace@example.org", name="Grace")
    first, second = make_claim(ada, paper, 0), make_claim(grace, paper, 0)
    decide(first.pk, curator, approve=True)
    response = signed_in(curator).post(
        f"/staff/claims/{second.pk}/decide/", {"action": "approve"}, follow=True
    )
    assert "Another claim of this author was approved first." in response.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"


def test_a_decision_needs_an_action_and_an_existing_claim(curator):
    browser = signed_in(curator)
    assert browser.post("/staff/claims/999/decide/", {"action": "approve"}).status_code == 404
    assert browser.post("/staff/claims/999/decide/", {"action": "maybe"}).status_code == 400


# Withdrawing


def test_a_member_withdraws_their_claim(paper, ada):
    claim = make_claim(ada, paper, 0, status=AuthorClaim.APPROVED)
    response = signed_in(ada).post(f"/claims/{claim.pk}/withdraw/", {"next": PAGE})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "withdrawn"
    assert 'class="claimed-author"' not in Client().get(PAGE).content.decode()


def test_another_member_cannot_withdraw_your_claim(paper, ada):
    claim = make_claim(ada, paper, 0)
    grace = signed_in(make_member("grace@example.org", name="Grace"))
    assert grace.post(f"/claims/{claim.pk}/withdraw/").status_code == 404
    assert Client().post(f"/claims/{claim.pk}/withdraw/").status_code == 302  # log in first
    claim.refresh_from_db()
    assert claim.status == "pending"


# What an approved claim shows


def test_an_approved_author_links_to_the_members_profile_on_the_paper_page(paper, ada):
    Client().get(PAGE)  # a cached copy from before the approval must not be served after
    make_claim(ada, paper, 1)
    decide(claim_of(ada).pk, make_curator(), approve=True)
    page = Client().get(PAGE).content.decode()
    assert 'Grace Hopper</a> <a class="claimed-author" href="/u/ada/"' in page
    assert page.count('class="claimed-author"') == 1


def test_the_profile_lists_approved_authorships_only(paper, ada):
    other = store_paper("2501.00002", authors=["Ada Lovelace"], title="Pending one")
    make_claim(ada, paper, 0, status=AuthorClaim.APPROVED)
    make_claim(ada, other, 0)
    page = Client().get("/u/ada/").content.decode()
    section = page[page.index("Author of") : page.index("Upvoted papers")]
    assert f'href="{PAGE}"' in section and "Pending one" not in section
    assert "as <a href=" in section and "Ada Lovelace" in section


def test_a_claim_follows_its_author_when_a_new_version_reorders_the_authors(paper, ada):
    make_claim(ada, paper, 0, status=AuthorClaim.APPROVED)
    store_paper("2501.00001", authors=["Grace Hopper", "Ada Lovelace"], title="v2")
    page = Client().get(PAGE).content.decode()
    assert 'Ada Lovelace</a> <a class="claimed-author" href="/u/ada/"' in page


def test_staff_decide_claims_from_the_admin_too(paper, ada):
    admin = make_user("root@example.org", is_staff=True, is_superuser=True)
    first = make_claim(ada, paper, 0)
    second = make_claim(make_member("grace@example.org", name="Grace"), paper, 1)
    url = "/admin/feed/authorclaim/"
    signed_in(admin).post(url, {"action": "approve", "_selected_action": [first.pk]})
    signed_in(admin).post(url, {"action": "reject", "_selected_action": [second.pk]})
    assert [claim.status for claim in AuthorClaim.objects.order_by("pk")] == [
        "approved", "rejected"
    ]  # fmt: skip


def test_a_claimants_name_is_escaped_beside_the_author(paper):
    mallory = make_member("m@example.org", name='"><script>alert(1)</script>', handle="mallory")
    make_claim(mallory, paper, 0, status=AuthorClaim.APPROVED)
    page = Client().get(PAGE).content.decode()
    assert "<script>alert(1)" not in page
    assert 'title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; is this author' in page
