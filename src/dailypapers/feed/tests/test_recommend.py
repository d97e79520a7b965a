"""Personal recommendations: learned from upvotes and collections, topics, cold start, reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dailypapers.feed.recommend import (
    Recommendation,
    recommend_for_user,
    user_categories,
    user_signals,
)
from dailypapers.feed.topics import follow
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import (
    TITLED_DAY,
    arxiv_ids,
    make_topic,
    make_user,
    make_votes,
    save_to_collection,
    set_trending_score,
    store_titled_paper,
)

pytestmark = pytest.mark.django_db
OLDER = TITLED_DAY - timedelta(days=60)  # outside the pool of recent days

LIKED = [
    ("2501.00001", "Graph neural networks for molecule property prediction"),
    ("2501.00002", "Message passing graph networks on molecular graphs"),
    ("2501.00003", "Equivariant graph networks for molecules"),
]
BACKGROUND = [
    ("2501.00101", "Dark matter halos in galaxy clusters", "astro-ph.CO"),
    ("2501.00102", "Supernova light curves and photometry", "astro-ph.HE"),
    ("2501.00103", "Surface codes for quantum error correction", "quant-ph"),
    ("2501.00104", "Lattice QCD at finite temperature", "hep-lat"),
    ("2501.00105", "Sea ice thickness from satellite altimetry", "physics.ao-ph"),
    ("2501.00106", "Bayesian inference of exoplanet atmospheres", "astro-ph.EP"),
]


@pytest.fixture
def library() -> None:
    for arxiv_id, title in LIKED:
        store_titled_paper(arxiv_id, title, day=OLDER)
    for arxiv_id, title, category in BACKGROUND:
        store_titled_paper(arxiv_id, title, day=OLDER, categories=[category])
    store_titled_paper(
        "2503.00001", "Graph networks predict molecule toxicity"
    )  # like the liked ones
    store_titled_paper(
        "2503.00002", "Neutron star mergers and kilonovae", categories=["astro-ph.HE"]
    )
    store_titled_paper(
        "2503.00003", "Sea level rise from glacier melt", categories=["physics.ao-ph"]
    )


def test_a_paper_like_the_upvoted_ones_comes_first_with_the_reason(library):
    ada = make_user()
    make_votes(ada, *Paper.objects.filter(arxiv_id__in=[i for i, _ in LIKED]))
    picks = recommend_for_user(ada.pk)
    assert arxiv_ids([pick.paper_id for pick in picks])[0] == "2503.00001"
    assert picks[0].reason.startswith("because you upvoted “")
    assert any(title in picks[0].reason for _, title in LIKED)
    assert all(isinstance(pick, Recommendation) for pick in picks)
    assert [pick.score for pick in picks] == sorted((pick.score for pick in picks), reverse=True)


def test_papers_saved_to_a_collection_count_and_say_so(library):
    ada = make_user()
    save_to_collection(ada, "Reading", *Paper.objects.filter(arxiv_id__in=[i for i, _ in LIKED]))
    [best, *_] = recommend_for_user(ada.pk)
    assert arxiv_ids([best.paper_id]) == ["2503.00001"]
    assert best.reason.startswith("because you saved “") and best.reason.endswith("to Reading")


def test_papers_already_upvoted_or_saved_are_never_recommended(library):
    ada = make_user()
    recent = Paper.objects.get(arxiv_id="2503.00002")
    make_votes(ada, Paper.objects.get(arxiv_id=LIKED[0][0]), recent)
    save_to_collection(ada, "Reading", Paper.objects.get(arxiv_id="2503.00003"))
    picks = recommend_for_user(ada.pk)
    assert set(arxiv_ids([pick.paper_id for pick in picks])) == {"2503.00001"}


def test_given_candidates_are_the_only_ones_ranked(library):
    ada = make_user()
    make_votes(ada, *Paper.objects.filter(arxiv_id__in=[i for i, _ in LIKED]))
    old_graph = store_titled_paper("2401.00001", "Graph networks for crystal structures", day=OLDER)
    candidates = [old_graph.pk, Paper.objects.get(arxiv_id="2501.00104").pk, 999_999]
    picks = recommend_for_user(ada.pk, candidate_ids=candidates, limit=5)
    assert arxiv_ids([pick.paper_id for pick in picks]) == ["2401.00001", "2501.00104"]
    assert recommend_for_user(ada.pk, candidate_ids=[], limit=5) == []
    assert len(recommend_for_user(ada.pk, candidate_ids=candidates, limit=1)) == 1


def test_a_followed_topic_lifts_its_papers_and_names_the_topic(library):
    ada = make_user()
    follow(ada.pk, make_topic("Climate", query="sea", categories=["physics.ao-ph"]).pk)
    [best, *_] = recommend_for_user(ada.pk)
    assert arxiv_ids([best.paper_id]) == ["2503.00003"]
    assert best.reason == "in your topic “Climate”"


def test_cold_start_shows_what_is_trending_with_the_category(library):
    ada = make_user()
    set_trending_score(Paper.objects.get(arxiv_id="2503.00002"), 4.0)
    set_trending_score(
        Paper.objects.get(arxiv_id="2501.00103"), 2.0
    )  # an older day: trending counts
    picks = recommend_for_user(ada.pk)
    assert arxiv_ids([pick.paper_id for pick in picks])[:2] == ["2503.00002", "2501.00103"]
    assert picks[0].reason == "trending in astro-ph.HE"
    assert picks[1].reason == "trending in quant-ph"
    assert picks[-1].reason.startswith("new in ")


def test_cold_start_with_a_topic_prefers_trending_papers_of_its_categories(library):
    ada = make_user()
    follow(ada.pk, make_topic("Quantum", query="qubits", categories=["quant-ph"]).pk)
    set_trending_score(Paper.objects.get(arxiv_id="2503.00002"), 4.0)
    set_trending_score(Paper.objects.get(arxiv_id="2501.00103"), 1.0)
    assert user_categories(user_signals(ada.pk)) == ["quant-ph"]
    [best, *_] = recommend_for_user(ada.pk)
    assert arxiv_ids([best.paper_id]) == ["2501.00103"]


def test_a_new_upvote_changes_the_list_at_once_despite_the_cache(library, settings):
    settings.RECOMMENDATIONS_CACHE_SECONDS = 300
    ada = make_user()
    before = recommend_for_user(ada.pk)
    assert recommend_for_user(ada.pk) == before
    make_votes(ada, Paper.objects.get(arxiv_id="2503.00002"))
    after = recommend_for_user(ada.pk)
    assert "2503.00002" not in arxiv_ids([pick.paper_id for pick in after])


def test_with_nothing_trending_a_new_member_sees_the_newest_papers_first(library):
    store_titled_paper("2503.00009", "A paper of the next day", day=TITLED_DAY + timedelta(days=1))
    picks = recommend_for_user(make_user().pk)
    assert arxiv_ids([pick.paper_id for pick in picks]) == [
        "2503.00009", "2503.00003", "2503.00002", "2503.00001",
    ]  # fmt: skip
    assert picks[0].reason == "new in cs.LG"


def test_an_empty_site_recommends_nothing():
    assert recommend_for_user(make_user().pk) == []
