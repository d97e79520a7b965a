"""githubStars, projectPage and linked Hub repositories through the real huggingface_hub
client (issue 12, items 3 and 4)."""

from __future__ import annotations

import pytest
from huggingface_hub.hf_api import DatasetInfo, ModelInfo, SpaceInfo

from dailypapers.testing.factories import star_repo, store_detailed_paper

pytestmark = pytest.mark.django_db(transaction=True)

ABSTRACT = (
    "We sparsify attention. Code: https://github.com/ada/sparse. Weights at "
    "https://huggingface.co/ada/sparse-7b and huggingface.co/ada/sparse-1b; data at "
    "https://huggingface.co/datasets/ada/bench; try https://huggingface.co/spaces/ada/demo."
)


def test_paper_info_carries_stars_project_page_and_linked_models_datasets_and_spaces(hub):
    paper = store_detailed_paper(
        "2501.00001", abstract=ABSTRACT, comments="ICML. Project page: https://ada.github.io/sparse"
    )
    star_repo(paper, stars=1234)
    info = hub.paper_info("2501.00001")
    assert info.github_repo == "https://github.com/ada/sparse" and info.github_stars == 1234
    assert info.project_page == "https://ada.github.io/sparse"
    assert all(isinstance(model, ModelInfo) for model in info.linked_models)
    assert [model.id for model in info.linked_models] == ["ada/sparse-7b", "ada/sparse-1b"]
    assert info.linked_models[0].author == "ada" and info.num_total_models == 2
    assert [d.id for d in info.linked_datasets] == ["ada/bench"] and info.num_total_datasets == 1
    assert isinstance(info.linked_datasets[0], DatasetInfo)
    assert [s.id for s in info.linked_spaces] == ["ada/demo"]
    assert isinstance(info.linked_spaces[0], SpaceInfo) and info.numTotalSpaces == 1


def test_a_paper_without_code_or_links_has_no_stars_and_empty_link_lists(hub):
    store_detailed_paper("2501.00002")
    info = hub.paper_info("2501.00002")
    assert info.github_repo is None and info.github_stars is None and info.project_page is None
    assert info.linked_models == [] and info.num_total_models == 0
    assert info.linked_datasets == [] and info.linked_spaces == []
    assert info.organization is None


def test_stars_are_none_until_the_repository_is_first_fetched(hub):
    paper = store_detailed_paper("2501.00003", abstract="Code: github.com/ada/new")
    star_repo(paper, stars=None)
    assert hub.paper_info("2501.00003").github_stars is None


def test_daily_lists_carry_stars_and_project_pages_without_a_query_per_paper(
    hub, client, django_assert_max_num_queries
):
    for number in range(1, 7):
        paper = store_detailed_paper(
            f"2501.0000{number}",
            abstract=f"Code: https://github.com/ada/r{number}",
            comments=f"Project page: https://ada.github.io/r{number}",
        )
        star_repo(paper, stars=number * 10)
    daily = {info.id: info for info in hub.list_daily_papers(date="2025-01-08")}
    assert daily["2501.00003"].github_stars == 30
    assert daily["2501.00003"].project_page == "https://ada.github.io/r3"
    with django_assert_max_num_queries(4) as few:
        assert len(client.get("/api/daily_papers?date=2025-01-08&limit=2").json()) == 2
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/daily_papers?date=2025-01-08&limit=6").json()) == 6
    listed = {item["id"]: item for item in client.get("/api/papers").json()}
    assert listed["2501.00002"]["githubStars"] == 20
