"""Stars, repositories, project pages and Hub links on the pages; "Trending on GitHub", the
stars-per-day sort, and stars in the trending fallback."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dailypapers.feed.queries import FeedFilters, trending_papers
from dailypapers.feed.trending import current_signal
from dailypapers.lib.ranking import Standing, fallback_score, star_points
from dailypapers.repos.models import Repository
from dailypapers.testing.factories import make_curation, star_repo, store_paper

pytestmark = pytest.mark.django_db
DAY = date(2025, 1, 6)


def listed(body: str) -> list[str]:
    return re.findall(r'<h2 class="title"><a href="/papers/([^"]+)/">', body)


def coded(arxiv_id: str, repo: str, stars: int | None, per_day: float = 0.0, **fields):
    paper = store_paper(arxiv_id, fields.pop("day", DAY), abstract=f"Code: github.com/{repo}",
                        **fields)  # fmt: skip
    star_repo(paper, stars, per_day)
    return paper


def test_the_paper_page_shows_the_repository_its_stars_the_project_page_and_hub_links(client):
    paper = store_paper(
        "2501.00001",
        abstract="Code: https://github.com/ada/sparse. Weights: huggingface.co/ada/sparse-7b. "
        "Data: huggingface.co/datasets/ada/bench. Demo: huggingface.co/spaces/ada/demo.",
        comments="Project page: https://ada.github.io/sparse/",
    )
    star_repo(paper, 12345, stars_per_day=40.0)
    body = client.get("/papers/2501.00001/").content.decode()
    assert '<a href="https://github.com/ada/sparse" rel="nofollow noopener">ada/sparse</a>' in body
    assert "★ 12,345</span> stars, +40 a day lately" in body
    assert 'id="project-page" href="https://ada.github.io/sparse/"' in body
    assert 'href="https://huggingface.co/ada/sparse-7b"' in body
    assert 'href="https://huggingface.co/datasets/ada/bench"' in body
    assert 'href="https://huggingface.co/spaces/ada/demo"' in body


def test_a_paper_without_code_or_links_has_no_code_section(client):
    store_paper("2501.00001", abstract="Pure theory.")
    assert 'id="code-heading"' not in client.get("/papers/2501.00001/").content.decode()


def test_a_repository_not_fetched_yet_says_so_and_shows_no_count(client):
    coded("2501.00001", "ada/sparse", stars=None)
    body = client.get("/papers/2501.00001/").content.decode()
    assert "stars not counted yet" in body and "★" not in body


def test_cards_show_star_counts_without_a_query_per_paper(client, django_assert_max_num_queries):
    coded("2501.00001", "ada/one", 1500)
    store_paper("2501.00002")
    with django_assert_max_num_queries(20) as few:
        body = client.get("/").content.decode()
    assert body.count('class="stars"') == 1 and "★ 1,500" in body
    for number in range(3, 13):
        coded(f"2501.{number:05d}", f"ada/r{number}", number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/?sort=newest").content.decode()
    assert body.count('class="stars"') == 11


def test_trending_on_github_ranks_papers_by_stars_gained_per_day(client):
    coded("2501.00001", "ada/slow", 5000, per_day=2.0)
    coded("2501.00002", "ada/fast", 300, per_day=55.0)
    coded("2412.00003", "ada/old", 90, per_day=9.0, day=date(2024, 12, 2))
    coded("2501.00004", "ada/still", 40, per_day=0.0)
    make_curation(coded("2501.00005", "ada/hidden", 10, per_day=99.0), "hidden")
    store_paper("2501.00006")
    body = client.get("/github/").content.decode()
    assert listed(body) == ["2501.00002", "2412.00003", "2501.00001"]
    assert 'href="/github/"' in body  # in the site's navigation


def test_the_feed_sorts_by_stars_gained_per_day_papers_without_stars_last(client):
    store_paper("2501.00001")
    coded("2501.00002", "ada/a", 10, per_day=1.0)
    coded("2501.00003", "ada/b", 10, per_day=30.0)
    body = client.get("/?sort=github").content.decode()
    assert listed(body) == ["2501.00003", "2501.00002", "2501.00001"]
    assert '<option value="github" selected>' in body


def test_stars_lift_papers_in_the_trending_fallback_by_powers_of_ten():
    store_paper("2501.00001", DAY)
    coded("2501.00002", "ada/famous", 25_000)
    coded("2501.00003", "ada/known", 150)
    coded("2501.00004", "ada/new", 3)
    signal = current_signal()
    assert signal.thin
    found = {p.arxiv_id: p.fallback_score for p in trending_papers(FeedFilters(), signal)}
    code = {stars: fallback_score(Standing(False, True, 0, 0, stars=stars))
            for stars in (25_000, 150, 3)}  # fmt: skip
    assert found == pytest.approx({"2501.00001": fallback_score(Standing(False, False, 0, 0)),
                                   "2501.00002": code[25_000], "2501.00003": code[150],
                                   "2501.00004": code[3]})  # fmt: skip
    assert [p.arxiv_id for p in trending_papers(FeedFilters(), signal)] == [
        "2501.00002", "2501.00003", "2501.00004", "2501.00001"]  # fmt: skip


def test_star_points_count_powers_of_ten_up_to_a_cap():
    assert [star_points(s) for s in (0, 9, 10, 99, 100, 1000, 10_000, 10**7)] == [
        0.0, 0.0, 0.5, 0.5, 1.0, 1.5, 2.0, 2.0]  # fmt: skip


def test_the_about_page_explains_the_star_term_and_trending_on_github(client):
    body = client.get("/about/").content.decode()
    assert "<var>stars</var>" in body and 'id="github-stars"' in body


def test_the_paper_page_reads_the_repository_in_the_papers_own_query(
    client, django_assert_max_num_queries
):
    coded("2501.00001", "ada/sparse", 7)
    with django_assert_max_num_queries(20) as queries:
        assert "★ 7" in client.get("/papers/2501.00001/").content.decode()
    asked = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in asked if 'FROM "repos_' in sql]
    assert any('JOIN "repos_repository"' in sql for sql in asked)


def test_new_stars_show_at_once_on_a_cached_paper_page(client, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 300
    coded("2501.00001", "ada/sparse", 7)
    assert "★ 7<" in client.get("/papers/2501.00001/").content.decode()
    Repository.objects.filter(key="ada/sparse").update(stars=8)
    assert "★ 8<" in client.get("/papers/2501.00001/").content.decode()
