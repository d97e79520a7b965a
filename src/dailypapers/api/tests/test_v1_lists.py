"""/api/v1 lists: a day's feed, trending and a public collection, paged by cursor."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.cache import cache

from dailypapers.api.list_cache import KEY_PREFIX
from dailypapers.api.tokens import create_token
from dailypapers.feed.models import Curation
from dailypapers.testing.factories import (
    DETAILED_DAY,
    make_curation,
    make_member,
    make_reading_list,
    make_submission,
    set_counters,
    store_detailed_paper,
)

pytestmark = pytest.mark.django_db
DAY_URL = "/api/v1/days/2025-01-08"


def ids(body: dict) -> list[str]:
    return [item["arxiv_id"] for item in body["items"]]


@pytest.fixture
def three_papers() -> None:
    set_counters(store_detailed_paper("2501.00001"), upvote_count=5, trending_score=0.1)
    with_code = store_detailed_paper("2501.00002", abstract="Code: github.com/ada/x")
    set_counters(with_code, upvote_count=5, trending_score=0.9)
    set_counters(
        store_detailed_paper("2501.00003", categories=["stat.ML", "cs.CL"]), upvote_count=9
    )


def test_a_day_lists_its_papers_most_upvoted_first_as_its_page_does(client, three_papers):
    body = client.get(DAY_URL).json()
    assert ids(body) == ["2501.00003", "2501.00002", "2501.00001"]
    assert body["day"] == "2025-01-08" and body["sort"] == "upvotes"
    assert body["next_cursor"] is None


def test_a_day_sorts_by_trending_or_newest_on_request(client, three_papers):
    make_submission(
        store_detailed_paper("2501.00004", day=date(2025, 1, 7)), None
    )  # submitted onto the 8th
    assert ids(client.get(DAY_URL + "?sort=trending").json())[:2] == ["2501.00002", "2501.00001"]
    assert ids(client.get(DAY_URL + "?sort=newest").json()) == [
        "2501.00003", "2501.00002", "2501.00001", "2501.00004",
    ]  # fmt: skip


def test_a_day_filters_by_category_including_cross_lists_and_by_code(client, three_papers):
    assert ids(client.get(DAY_URL + "?category=cs.CL").json()) == ["2501.00003"]
    assert ids(client.get(DAY_URL + "?has_code=true").json()) == ["2501.00002"]
    body = client.get(DAY_URL + "?category=cs.CL").json()
    assert body["category"] == "cs.CL" and body["has_code"] is False


def test_a_day_leaves_out_hidden_papers_and_puts_featured_ones_first(client, three_papers):
    paper = store_detailed_paper("2501.00005")
    make_curation(paper, Curation.FEATURED)
    make_curation(store_detailed_paper("2501.00006"), Curation.HIDDEN)
    body = client.get(DAY_URL).json()
    assert ids(body)[0] == "2501.00005" and body["items"][0]["featured"] is True
    assert "2501.00006" not in ids(body)


def test_a_paper_submitted_to_the_day_joins_it_with_its_submitter(client):
    paper = store_detailed_paper("2401.00001", day=date(2024, 1, 2))
    ada = make_member()
    make_submission(paper, ada)
    item = client.get(DAY_URL).json()["items"][0]
    assert item["arxiv_id"] == "2401.00001"
    assert item["submission"]["submitted_by"]["name"] == "Ada"


def test_cursors_walk_a_day_in_order_with_no_paper_twice_or_missing(client):
    for number in range(1, 8):
        set_counters(
            store_detailed_paper(f"2501.0000{number}"),
            upvote_count=number % 3,
            trending_score=number,
        )
    make_curation(store_detailed_paper("2501.00008"), Curation.FEATURED)
    for sort in ("upvotes", "trending", "newest"):
        whole = ids(client.get(f"{DAY_URL}?sort={sort}").json())
        walked: list[str] = []
        url = f"{DAY_URL}?sort={sort}&limit=3"
        while url:
            body = client.get(url).json()
            walked += ids(body)
            cursor = body["next_cursor"]
            url = f"{DAY_URL}?sort={sort}&limit=3&cursor={cursor}" if cursor else ""
        assert walked == whole and len(whole) == 8, sort


def test_a_cursor_page_does_not_shift_when_a_paper_is_added_in_front(client):
    for number in range(1, 5):
        set_counters(store_detailed_paper(f"2501.0000{number}"), upvote_count=10 - number)
    first = client.get(DAY_URL + "?limit=2").json()
    set_counters(
        store_detailed_paper("2501.00009"), upvote_count=50
    )  # sorts first, before page 1's end
    second = client.get(f"{DAY_URL}?limit=2&cursor={first['next_cursor']}").json()
    assert ids(first) == ["2501.00001", "2501.00002"]
    assert ids(second) == ["2501.00003", "2501.00004"]


def test_a_forged_cursor_is_a_400_in_the_error_format(client, three_papers):
    response = client.get(DAY_URL + "?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_from_another_sort_is_refused_rather_than_misread(client, three_papers):
    cursor = client.get(DAY_URL + "?limit=1").json()["next_cursor"]
    response = client.get(f"{DAY_URL}?sort=newest&limit=1&cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?category=not%20a%20category", "category"),
        ("?sort=loudest", "sort"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, query, fragment):
    response = client.get(DAY_URL + query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and fragment in error["message"]


def test_an_impossible_date_is_a_400(client):
    response = client.get("/api/v1/days/2025-02-30")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_an_empty_day_is_an_empty_list(client):
    body = client.get("/api/v1/days/2020-01-01").json()
    assert body["items"] == [] and body["next_cursor"] is None


def test_trending_lists_rising_papers_highest_score_first_without_hidden_ones(client):
    set_counters(store_detailed_paper("2501.00001"), trending_score=0.5)
    set_counters(store_detailed_paper("2501.00002"), trending_score=2.0)
    store_detailed_paper(
        "2501.00003"
    )  # no score: listed after the scored ones by the quiet-site fallback
    hidden = set_counters(store_detailed_paper("2501.00004"), trending_score=9.0)
    make_curation(hidden, Curation.HIDDEN, day=date(2025, 1, 2))
    body = client.get("/api/v1/trending").json()
    assert ids(body) == ["2501.00002", "2501.00001", "2501.00003"]
    paged = client.get("/api/v1/trending?limit=1").json()
    second = client.get(f"/api/v1/trending?limit=1&cursor={paged['next_cursor']}").json()
    third = client.get(f"/api/v1/trending?limit=1&cursor={second['next_cursor']}").json()
    assert ids(paged) + ids(second) + ids(third) == ["2501.00002", "2501.00001", "2501.00003"]


def test_a_public_collection_lists_its_papers_most_recently_added_first(client):
    owner = make_member()
    papers = [
        store_detailed_paper("2501.00001"),
        store_detailed_paper("2501.00002"),
        store_detailed_paper("2501.00003"),
    ]
    make_reading_list(owner, papers)
    body = client.get(f"/api/v1/collections/{owner.pk}/reading").json()
    assert ids(body) == ["2501.00003", "2501.00002", "2501.00001"]
    assert body["collection"]["name"] == "Reading list"
    assert body["collection"]["owner"] == {"id": owner.pk, "name": "Ada", "handle": "ada"}
    assert body["collection"]["url"] == f"http://testserver/u/{owner.pk}/collections/reading/"
    first = client.get(f"/api/v1/collections/{owner.pk}/reading?limit=2").json()
    cursor = first["next_cursor"]
    rest = client.get(f"/api/v1/collections/{owner.pk}/reading?limit=2&cursor={cursor}").json()
    assert ids(first) + ids(rest) == ids(body)


def test_a_private_collection_is_a_404_like_one_that_does_not_exist(client):
    owner = make_member()
    make_reading_list(owner, [store_detailed_paper("2501.00001")], public=False)
    for url in (f"/api/v1/collections/{owner.pk}/reading", f"/api/v1/collections/{owner.pk}/x"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "collection_not_found"


def test_a_day_costs_the_same_queries_for_three_papers_as_for_thirty(
    client, django_assert_num_queries
):
    ada = make_member()
    for number in range(3):
        make_submission(store_detailed_paper(f"2501.0000{number}"), ada)
    with django_assert_num_queries(1) as small:
        client.get(DAY_URL)
    for number in range(10, 40):
        make_submission(store_detailed_paper(f"2501.000{number}"), ada)
    cache.clear()  # lists are kept for signed-out callers; this one must be computed again
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(DAY_URL).json()
    assert len(body["items"]) == 33
    assert DETAILED_DAY.isoformat() == body["day"]


def test_a_list_is_replayed_from_the_cache_for_callers_without_a_token(client):
    store_detailed_paper("2501.00001")
    first = client.get(DAY_URL)
    store_detailed_paper(
        "2501.00002"
    )  # shows once the kept copy expires, as on the signed-out day page
    second = client.get(DAY_URL)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.json() == first.json() and second["ETag"] == first["ETag"]


def test_a_caller_with_a_token_gets_the_list_as_it_is_now(client):
    _token, secret = create_token(make_member(), "script")
    store_detailed_paper("2501.00001")
    client.get(DAY_URL)
    store_detailed_paper("2501.00002")
    fresh = client.get(DAY_URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert len(fresh.json()["items"]) == 2
    assert "private" in fresh["Cache-Control"]


def test_a_replayed_list_keeps_its_validators_and_answers_304(client):
    store_detailed_paper("2501.00001")
    first = client.get(DAY_URL)
    replay = client.get(DAY_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert replay.status_code == 304
    assert replay["ETag"] == first["ETag"]
    assert replay["Last-Modified"] == first["Last-Modified"]
    assert replay["Access-Control-Allow-Origin"] == "*"


def test_a_list_near_its_expiry_is_computed_again_by_one_request(client):
    store_detailed_paper("2501.00001")
    client.get(DAY_URL)
    key = KEY_PREFIX + hashlib.sha256(DAY_URL.encode()).hexdigest()
    stored = cache.get(key)
    store_detailed_paper("2501.00002")
    stored["refresh_at"] = 0.0  # as if the copy were about to expire
    cache.set(key, stored, 60)

    fresh = client.get(DAY_URL)

    assert fresh["X-Page-Cache"] == "miss" and len(fresh.json()["items"]) == 2
    assert client.get(DAY_URL)["X-Page-Cache"] == "hit"
