"""Topic pages: the index, a topic's papers, creating one, following without and with htmx."""

from __future__ import annotations

import pytest

from dailypapers.accounts.models import User
from dailypapers.feed.models import Topic, TopicFollow
from dailypapers.feed.topics import follow
from dailypapers.testing.factories import (
    make_topic,
    make_user,
    set_trending_score,
    store_titled_paper,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def graphs() -> Topic:
    store_titled_paper("2503.00001", "Graph networks for molecules", categories=["cs.LG"])
    store_titled_paper("2503.00002", "Graph transformers", categories=["cs.CL"])
    store_titled_paper("2503.00003", "Speech models", categories=["cs.CL"])
    return make_topic("Graphs", query="graph", description="Learning on graphs.")


def signed_in(client, **fields):
    user = make_user(**fields)
    client.force_login(user)
    return user


def test_the_index_lists_topics_with_followers_and_links(client, graphs):
    follow(make_user("b@example.org").pk, graphs.pk)
    response = client.get("/topics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/topics/graphs/"' in html and "1 follower" in html
    assert "Log in to follow" in html


def test_the_index_finds_topics_by_words(client, graphs):
    make_topic("Speech", categories=["eess.AS"])
    html = client.get("/topics/?q=speech").content.decode()
    assert "/topics/speech/" in html and "/topics/graphs/" not in html
    assert "No topic mentions" in client.get("/topics/?q=zebra").content.decode()


def test_a_topic_page_lists_its_papers_newest_first_with_feeds(client, graphs):
    response = client.get("/topics/graphs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Graph transformers") < html.index("Graph networks for molecules")
    assert "Speech models" not in html
    assert "2 papers" in html and "Learning on graphs." in html
    assert 'type="application/rss+xml" title="Graphs (RSS)" href="/feeds/topics/graphs/rss"' in html
    assert 'href="/feeds/topics/graphs/atom"' in html


def test_a_topic_page_sorted_by_trending_lists_what_rises(client, graphs):
    set_trending_score(
        store_titled_paper("2503.00004", "Graph sampling", categories=["cs.DS"]), 2.0
    )
    html = client.get("/topics/graphs/?sort=trending").content.decode()
    assert html.index("Graph sampling") < html.index("Graph transformers")


def test_a_category_topic_page_pages_through_its_papers(client):
    for number in range(30):
        store_titled_paper(f"2503.{number:05d}", f"Paper {number}", categories=["hep-th"])
    make_topic("Strings", categories=["hep-th"])
    first = client.get("/topics/strings/").content.decode()
    second = client.get("/topics/strings/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Paper 29" in first and "Paper 4<" not in first
    assert "Paper 4<" in second and "Paper 29" not in second
    assert "Page 2 of 2" in client.get("/topics/strings/?page=99").content.decode()


def test_an_unknown_topic_is_404(client):
    assert client.get("/topics/nothing-here/").status_code == 404


def test_following_with_a_plain_form_goes_back_to_the_page(client, graphs):
    ada = signed_in(client)
    response = client.post(
        "/topics/graphs/follow/", {"action": "follow", "next": "/topics/?q=graph"}
    )
    assert response.status_code == 302 and response["Location"] == "/topics/?q=graph"
    assert TopicFollow.objects.filter(user=ada, topic=graphs).exists()
    html = client.get("/topics/graphs/").content.decode()
    assert "Following" in html and "1 follower" in html
    client.post("/topics/graphs/follow/", {"action": "unfollow"})
    assert not TopicFollow.objects.filter(user=ada, topic=graphs).exists()


def test_following_twice_by_a_double_click_stays_followed(client, graphs):
    ada = signed_in(client)
    client.post("/topics/graphs/follow/", {"action": "follow"})
    client.post("/topics/graphs/follow/", {"action": "follow"})
    assert TopicFollow.objects.filter(user=ada, topic=graphs).count() == 1


def test_following_with_htmx_answers_the_new_button(client, graphs):
    signed_in(client)
    response = client.post("/topics/graphs/follow/", {"action": "follow", "counted": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert '<form class="follow following"' in html and 'value="unfollow"' in html
    assert "1 follower<" in html
    response = client.post("/topics/graphs/follow/", {"action": "unfollow"}, **HTMX)
    html = response.content.decode()
    assert 'value="follow"' in html and "follower" not in html.split("<form")[0]


def test_visitors_are_sent_to_log_in_and_unverified_members_to_confirm(client, graphs):
    response = client.post("/topics/graphs/follow/", {"action": "follow"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    signed_in(client, verified=False)
    assert client.post("/topics/graphs/follow/", {"action": "follow"}).status_code == 403
    assert not TopicFollow.objects.exists()


def test_following_answers_only_to_post(client, graphs):
    signed_in(client)
    assert client.get("/topics/graphs/follow/").status_code == 405


def test_a_verified_member_creates_a_topic_and_follows_it(client):
    ada = signed_in(client)
    response = client.post(
        "/topics/new/",
        {"name": "  Graph   learning ", "query": "graph cat:cs.lg", "categories": "cs.lg, stat.ML"},
    )
    created = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == "/topics/graph-learning/"
    assert created.name == "Graph learning" and created.query == "graph cat:cs.LG"
    assert created.categories == ["cs.LG", "stat.ML"] and created.created_by == ada
    assert TopicFollow.objects.filter(user=ada, topic=created).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Nothing"}, "needs a query, categories, or both"),
        ({"name": "Bad", "categories": "cs.LG nonsense!"}, "is not an arXiv category"),
        ({"name": "Empty", "query": "OR AND"}, "no words"),
        ({"name": "", "query": "graph"}, "This field is required"),
    ],
)
def test_a_topic_with_bad_input_is_refused_with_a_clear_message(client, fields, message):
    signed_in(client)
    response = client.post("/topics/new/", fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Topic.objects.exists()


def test_the_same_name_twice_gets_a_second_address(client):
    signed_in(client)
    client.post("/topics/new/", {"name": "Graphs", "query": "graph"})
    response = client.post("/topics/new/", {"name": "Graphs", "query": "graph"})
    assert response["Location"] == "/topics/graphs-2/"


def test_only_curators_feature_topics(client, graphs):
    signed_in(client)
    assert client.post("/topics/graphs/feature/", {"action": "feature"}).status_code == 403
    client.force_login(make_user("cur@example.org", is_curator=True))
    html = client.get("/topics/graphs/").content.decode()
    assert "Feature this topic" in html
    client.post("/topics/graphs/feature/", {"action": "feature"})
    assert Topic.objects.get().is_featured
    client.post("/topics/graphs/feature/", {"action": "unfeature"})
    assert not Topic.objects.get().is_featured


def test_the_settings_page_lists_followed_topics(client, graphs):
    ada = signed_in(client)
    follow(ada.pk, graphs.pk)
    html = client.get("/accounts/settings/").content.decode()
    assert "Topics you follow" in html and 'href="/topics/graphs/"' in html


def test_the_site_navigation_links_topics_and_for_you(client, graphs):
    assert 'href="/topics/"' in client.get("/topics/").content.decode()
    signed_in(client)
    assert 'href="/for-you/"' in client.get("/topics/").content.decode()


def test_staff_edit_topics_in_the_admin_under_the_same_rules(client):
    client.force_login(User.objects.create_superuser("root@example.org", "a-long-password-1"))
    graphs = make_topic("Graphs", query="graph")
    fields = {"name": "Graphs", "slug": "graphs", "description": "", "is_featured": "on"}
    url = f"/admin/feed/topic/{graphs.pk}/change/"
    refused = client.post(url, {**fields, "query": "OR", "categories": '["cs.LG"]'})
    assert refused.status_code == 200 and "no words" in refused.content.decode()
    saved = client.post(url, {**fields, "query": "graph", "categories": '["cs.lg"]'})
    assert saved.status_code == 302
    graphs.refresh_from_db()
    assert graphs.categories == ["cs.LG"] and graphs.is_featured
    assert "Graphs" in client.get("/admin/feed/topic/").content.decode()


def test_creating_more_topics_than_the_daily_limit_is_refused_and_keeps_the_input(client, settings):
    settings.TOPICS_PER_DAY = 1
    signed_in(client)
    client.post("/topics/new/", {"name": "Graphs", "query": "graph"})
    response = client.post("/topics/new/", {"name": "Halos", "query": "halo"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "You can create 1 topics in 24 hours" in html and 'value="Halos"' in html
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-3", "?page=99999999999999999999", "?sort=bogus"]
)
def test_odd_query_strings_on_a_topic_page_fall_back_to_the_first_page(client, graphs, query):
    response = client.get(f"/topics/graphs/{query}")
    assert response.status_code == 200
    assert "Graph transformers" in response.content.decode()


def test_a_topic_whose_stored_query_the_engine_refuses_says_so_on_its_page(client):
    make_topic("Broken", query=" ".join(f"w{number}" for number in range(40)))
    response = client.get("/topics/broken/")
    assert response.status_code == 200
    assert "cannot be searched: This search has too many words" in response.content.decode()


def test_the_creator_edits_a_topic_and_its_address_stays(client):
    ada = signed_in(client)
    graphs = make_topic("Graphs", query="graph", created_by=ada)
    form = client.get("/topics/graphs/edit/").content.decode()
    assert 'value="Graphs"' in form and 'value="graph"' in form
    assert "Edit this topic" in client.get("/topics/graphs/").content.decode()
    response = client.post(
        "/topics/graphs/edit/", {"name": "Graph learning", "query": "graph", "categories": "cs.lg"}
    )
    assert response["Location"] == "/topics/graphs/"
    graphs.refresh_from_db()
    assert (graphs.name, graphs.slug, graphs.categories) == ("Graph learning", "graphs", ["cs.LG"])


def test_an_edit_with_a_bad_query_changes_nothing(client):
    ada = signed_in(client)
    make_topic("Graphs", query="graph", created_by=ada)
    response = client.post("/topics/graphs/edit/", {"name": "Graphs", "query": "OR"})
    assert response.status_code == 400 and "no words" in response.content.decode()
    assert Topic.objects.get().query == "graph"


def test_other_members_cannot_edit_a_topic_but_curators_can(client):
    make_topic("Graphs", query="graph", created_by=make_user("owner@example.org"))
    signed_in(client)
    assert client.get("/topics/graphs/edit/").status_code == 403
    assert "Edit this topic" not in client.get("/topics/graphs/").content.decode()
    client.force_login(make_user("cur@example.org", is_curator=True))
    assert client.get("/topics/graphs/edit/").status_code == 200
