"""/api/v1 discovery: topics, a topic's papers, following, and the For you list."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.api.tokens import create_token
from dailypapers.feed.models import TopicFollow
from dailypapers.feed.topics import follow
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_topic, make_user, make_votes, store_titled_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers() -> None:
    store_titled_paper("2503.00001", "Graph networks for molecules")
    store_titled_paper("2503.00002", "Graph transformers", categories=["cs.CL"])
    store_titled_paper("2503.00003", "Dark matter halos", categories=["astro-ph.CO"])


def bearer(user) -> dict[str, str]:
    _token, secret = create_token(user, "script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_topics_are_listed_featured_first_with_their_links(client, papers):
    make_topic("Graphs", query="graph")
    make_topic("Astro", categories=["astro-ph.CO"], is_featured=True)
    follow(make_user().pk, make_topic("Zoology", query="zebra").pk)
    body = client.get("/api/v1/topics").json()
    assert [item["slug"] for item in body["items"]] == ["astro", "graphs", "zoology"]
    graphs = body["items"][1]
    assert graphs["query"] == "graph" and graphs["categories"] == [] and graphs["followers"] == 0
    assert graphs["url"] == "http://testserver/topics/graphs/"
    assert graphs["rss_url"] == "http://testserver/feeds/topics/graphs/rss"
    assert body["items"][2]["followers"] == 1 and body["next_cursor"] is None


def test_the_topic_list_pages_with_a_cursor(client):
    for name in ("A one", "B two", "C three"):
        make_topic(name)
    first = client.get("/api/v1/topics?limit=2").json()
    second = client.get(f"/api/v1/topics?limit=2&cursor={first['next_cursor']}").json()
    assert [t["name"] for t in first["items"] + second["items"]] == ["A one", "B two", "C three"]
    assert client.get("/api/v1/topics?cursor=forged").status_code == 400


def test_a_topic_says_whether_the_caller_follows_it(client):
    graphs = make_topic("Graphs", query="graph")
    assert client.get("/api/v1/topics/graphs").json()["following"] is None
    ada = make_user()
    follow(ada.pk, graphs.pk)
    assert client.get("/api/v1/topics/graphs", **bearer(ada)).json()["following"] is True
    missing = client.get("/api/v1/topics/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "topic_not_found"


def test_a_topics_papers_page_through_in_order(client, papers):
    store_titled_paper("2503.00004", "Graph sampling", categories=["cs.DS"])
    make_topic("Graphs", query="graph")
    first = client.get("/api/v1/topics/graphs/papers?limit=2").json()
    assert [p["arxiv_id"] for p in first["items"]] == ["2503.00004", "2503.00002"]
    assert first["total"] == 3 and first["sort"] == "newest"
    second = client.get(f"/api/v1/topics/graphs/papers?limit=2&cursor={first['next_cursor']}")
    assert [p["arxiv_id"] for p in second.json()["items"]] == ["2503.00001"]
    assert second.json()["next_cursor"] is None
    other_sort = f"/api/v1/topics/graphs/papers?sort=trending&cursor={first['next_cursor']}"
    assert client.get(other_sort).json()["error"]["code"] == "invalid_cursor"


def test_for_you_needs_a_member(client, papers):
    response = client.get("/api/v1/for-you")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_signed_in"


def test_for_you_answers_a_token_with_papers_scores_and_reasons(client, papers):
    ada = make_user()
    make_votes(ada, Paper.objects.get(arxiv_id="2503.00001"))
    response = client.get("/api/v1/for-you?limit=5", **bearer(ada))
    items = response.json()["items"]
    assert response.status_code == 200
    assert items[0]["paper"]["arxiv_id"] == "2503.00002"
    assert items[0]["reason"].startswith("because you upvoted")
    assert items[0]["score"] >= items[-1]["score"]
    assert "2503.00001" not in [item["paper"]["arxiv_id"] for item in items]
    assert "private" in response["Cache-Control"]


def test_for_you_answers_the_sites_session_too(papers):
    browser = Client()
    browser.force_login(make_user())
    response = browser.get("/api/v1/for-you")
    assert response.status_code == 200 and "private" in response["Cache-Control"]


def test_following_through_the_api_is_idempotent(client):
    graphs = make_topic("Graphs", query="graph")
    ada = make_user()
    for _ in range(2):
        answer = client.put("/api/v1/topics/graphs/follow", **bearer(ada)).json()
        assert answer == {"topic": "graphs", "following": True, "followers": 1}
    assert TopicFollow.objects.filter(user=ada, topic=graphs).count() == 1
    answer = client.delete("/api/v1/topics/graphs/follow", **bearer(ada)).json()
    assert answer["following"] is False and answer["followers"] == 0
    assert client.put("/api/v1/topics/graphs/follow").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/topics?limit=0",
        "/api/v1/topics?limit=1000",
        "/api/v1/topics/graphs/papers?sort=bogus",
        "/api/v1/topics/graphs/papers?cursor=not-a-cursor",
    ],
)
def test_bad_parameters_get_a_400_in_the_error_format(client, url):
    make_topic("Graphs", query="graph")
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"]


def test_for_you_limits_are_checked(client):
    ada = make_user()
    assert client.get("/api/v1/for-you?limit=101", **bearer(ada)).status_code == 400
    assert client.get("/api/v1/for-you?limit=1", **bearer(ada)).json() == {"items": []}
