"""/api/v1 writes with a token: submit, upvote, collections; the site's rules still hold."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from dailypapers.api.tokens import create_token
from dailypapers.feed.models import Collection, CollectionItem, Submission, Vote
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import arxiv_answer_with_only, make_member, store_detailed_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    return make_member()


@pytest.fixture
def auth(ada) -> dict[str, str]:
    _token, secret = create_token(ada, "script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, path: str, body: dict | None = None, **headers):
    data = json.dumps(body) if body is not None else None
    return client.post(path, data, content_type="application/json", **headers)


def test_upvoting_twice_counts_once(client, auth):
    paper = store_detailed_paper("2501.00001")
    first = post(client, "/api/v1/papers/2501.00001v2/upvote", **auth)
    second = post(client, "/api/v1/papers/2501.00001/upvote", **auth)

    assert first.status_code == second.status_code == 200
    assert first.json() == {"arxiv_id": "2501.00001", "upvoted": True, "changed": True,
                            "upvotes": 1}  # fmt: skip
    assert second.json()["changed"] is False and second.json()["upvotes"] == 1
    assert Vote.objects.filter(paper=paper).count() == 1


def test_an_upvote_can_be_taken_back(client, auth):
    store_detailed_paper("2501.00001")
    post(client, "/api/v1/papers/2501.00001/upvote", **auth)
    response = client.delete("/api/v1/papers/2501.00001/upvote", **auth)
    assert response.json() == {"arxiv_id": "2501.00001", "upvoted": False, "changed": True,
                               "upvotes": 0}  # fmt: skip
    assert not Vote.objects.exists()


def test_an_unverified_member_cannot_vote_through_the_api(client):
    store_detailed_paper("2501.00001")
    unverified = make_member()
    _token, secret = create_token(unverified, "script")  # tokens need a verified address
    unverified.email_verified_at = None  # which staff may take back
    unverified.save()

    response = post(
        client, "/api/v1/papers/2501.00001/upvote", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_not_verified"
    assert not Vote.objects.exists()


def test_writes_without_a_member_get_401_in_the_error_format(client):
    store_detailed_paper("2501.00001")
    response = post(client, "/api/v1/papers/2501.00001/upvote")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.json()["error"]["message"]


def test_voting_for_an_unknown_paper_is_404(client, auth):
    response = post(client, "/api/v1/papers/2501.09999/upvote", **auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "paper_not_found"


def test_the_sites_session_needs_its_csrf_token_to_write():
    store_detailed_paper("2501.00001")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_member())

    refused = post(browser, "/api/v1/papers/2501.00001/upvote")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"

    browser.get("/accounts/settings/")  # sets the CSRF cookie, as any page with a form does
    csrf = browser.cookies["csrftoken"].value
    allowed = post(browser, "/api/v1/papers/2501.00001/upvote", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200
    assert Vote.objects.count() == 1


def test_submitting_a_stored_paper_puts_it_on_todays_feed(client, ada, auth):
    store_detailed_paper("2501.00001")
    response = post(client, "/api/v1/submissions", {"arxiv_id": "arXiv:2501.00001v3"}, **auth)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["paper"]["arxiv_id"] == "2501.00001" and body["fetched"] is False
    submission = Submission.objects.get()
    assert submission.submitted_by == ada and body["feed_day"] == str(submission.feed_day)


def test_a_second_submission_of_a_paper_is_409(client, auth):
    store_detailed_paper("2501.00001")
    post(client, "/api/v1/submissions", {"arxiv_id": "2501.00001"}, **auth)
    again = post(client, "/api/v1/submissions", {"arxiv_id": "2501.00001"}, **auth)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_submitted"
    assert Submission.objects.count() == 1


def test_the_daily_submission_limit_applies_to_the_api(client, auth, settings):
    settings.SUBMISSIONS_PER_DAY = 1
    store_detailed_paper("2501.00001")
    store_detailed_paper("2501.00002")
    post(client, "/api/v1/submissions", {"arxiv_id": "2501.00001"}, **auth)
    refused = post(client, "/api/v1/submissions", {"arxiv_id": "2501.00002"}, **auth)
    assert refused.status_code == 429
    assert Submission.objects.count() == 1


def test_a_submission_that_is_not_an_arxiv_id_is_400(client, auth):
    response = post(client, "/api/v1/submissions", {"arxiv_id": "not an id"}, **auth)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert not Submission.objects.exists()


def test_a_paper_new_here_is_fetched_from_arxiv_on_submission(client, auth, fake_arxiv):
    fake_arxiv.add("/api/query", arxiv_answer_with_only("2503.01234"))
    response = post(client, "/api/v1/submissions", {"arxiv_id": "2503.01234"}, **auth)
    assert response.status_code == 201, response.content
    assert response.json()["fetched"] is True
    assert Paper.objects.get(arxiv_id="2503.01234").title.endswith("Socks with a Single Drawer")


def test_when_arxiv_fails_a_submission_is_502_and_nothing_is_stored(client, auth, fake_arxiv):
    fake_arxiv.add("/api/query", b"broken", status=500)
    response = post(client, "/api/v1/submissions", {"arxiv_id": "2503.01234"}, **auth)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "submit_failed"
    assert not Paper.objects.exists() and not Submission.objects.exists()


def test_a_member_keeps_collections_through_the_api(client, ada, auth):
    store_detailed_paper("2501.00001")
    created = post(client, "/api/v1/me/collections", {"name": "To read", "is_public": False},
                   **auth)  # fmt: skip
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert slug == "to-read" and created.json()["papers"] == 0

    added = post(client, f"/api/v1/me/collections/{slug}/papers", {"arxiv_id": "2501.00001"},
                 **auth)  # fmt: skip
    again = post(client, f"/api/v1/me/collections/{slug}/papers", {"arxiv_id": "2501.00001"},
                 **auth)  # fmt: skip
    assert (added.status_code, added.json()["added"]) == (201, True)
    assert (again.status_code, again.json()["added"]) == (200, False)

    mine = client.get("/api/v1/me/collections", **auth).json()["items"]
    assert [(c["slug"], c["papers"], c["is_public"]) for c in mine] == [("to-read", 1, False)]
    assert "private" in client.get("/api/v1/me/collections", **auth)["Cache-Control"]

    removed = client.delete(f"/api/v1/me/collections/{slug}/papers/2501.00001", **auth)
    assert removed.status_code == 200 and removed.json()["added"] is False
    assert not CollectionItem.objects.exists()


def test_a_nul_character_in_a_json_body_is_a_400_and_nothing_is_stored(client, auth):
    # PostgreSQL refuses NUL in text: this was a 500 there.
    response = post(client, "/api/v1/me/collections", {"name": "Reading\u0000list"}, **auth)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert not Collection.objects.exists()


def test_another_members_collection_is_not_found(client, auth):
    store_detailed_paper("2501.00001")
    grace = make_member("grace@example.org", "Grace")
    Collection.objects.create(owner=grace, name="Hers", slug="hers", is_public=True)
    response = post(client, "/api/v1/me/collections/hers/papers", {"arxiv_id": "2501.00001"},
                    **auth)  # fmt: skip
    assert response.status_code == 404
    assert not CollectionItem.objects.exists()
