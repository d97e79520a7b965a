"""Project pages told apart from code links, in abstracts and arXiv comments."""

from __future__ import annotations

import pytest

from dailypapers.lib.projectpages import extract_project_page, is_code_host


@pytest.mark.parametrize(
    ("text", "page"),
    [
        ("Project page: https://reservoirswd.github.io/", "https://reservoirswd.github.io/"),
        ("Please visit our page: https://where-is-the-ball.github.io.",
         "https://where-is-the-ball.github.io"),
        ("We release all data at zhiqix.github.io/pum-project-page.",
         "https://zhiqix.github.io/pum-project-page"),
        ("Project Page: https://arbor.jdihlmann.com/", "https://arbor.jdihlmann.com/"),
        ("Website: https://reachomk.github.io/gen2seg/", "https://reachomk.github.io/gen2seg/"),
        ("Project page:\n  https://vision.cs.utexas.edu/projects/expert_edit/ .",
         "https://vision.cs.utexas.edu/projects/expert_edit/"),
        ("our homepage (https://lab.example.org/paper)", "https://lab.example.org/paper"),
        ("\\url{https://my\\_lab.gitlab.io/demo}", "https://my_lab.gitlab.io/demo"),
    ],
)  # fmt: skip
def test_a_project_page_is_found_where_authors_announce_it(text, page):
    assert extract_project_page(text) == page


@pytest.mark.parametrize(
    "text",
    [
        "Code: https://github.com/PKU-ICST-MIPL/DyFo_CVPR2025",
        "Project page with code: https://github.com/ada/sparse",
        "Weights at https://huggingface.co/ada/sparse-7b and https://arxiv.org/abs/2501.00001",
        "Workshop website: https://extraamas.ehealth.hevs.ch/index.html",
        "See https://example.org/data for the data.",  # a link without a cue is not a page
        "Video: https://youtu.be/MKMEbPT38 and DOI https://doi.org/10.1/x",
        "No links at all.",
        "",
    ],
)
def test_code_hosts_archives_and_uncued_links_are_not_project_pages(text):
    assert extract_project_page(text) is None


def test_the_first_project_page_of_the_texts_in_order_wins():
    abstract = "We present X. Code at https://github.com/ada/x."
    comments = "CVPR 2025. Project page: https://ada.github.io/x; Video: https://youtu.be/abc"
    assert extract_project_page(abstract, comments) == "https://ada.github.io/x"


def test_the_nearest_cue_decides_when_two_precede_a_link():
    text = "Workshop website: https://ws.example.org. Project page: https://me.example.org/p"
    assert extract_project_page(text) == "https://me.example.org/p"


def test_code_hosts_are_recognised_with_their_subdomains():
    assert is_code_host("github.com") and is_code_host("www.github.com")
    assert is_code_host("gist.github.com")
    assert not is_code_host("ada.github.io") and not is_code_host("notgithub.com")
