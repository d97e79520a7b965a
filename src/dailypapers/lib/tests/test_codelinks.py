"""Code and model repository links are found in free text and reduced to their root URL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.lib.codelinks import extract_code_links

LINKISH = st.lists(
    st.sampled_from(
        ["github.com", "gitlab.com", "huggingface.co", "/", "a", "B", ".", "-", "_", "\n", " "]
        + ["https://", "www.", "datasets", "spaces", "-/", ".git", "\\_", "\\url{", "}", "İ"]
    ),
    max_size=40,
).map("".join)


# GitHub


def test_a_github_link_with_scheme_is_found():
    assert extract_code_links("Code: https://github.com/owner/repo") == [
        "https://github.com/owner/repo"
    ]


def test_a_github_link_without_scheme_gets_https():
    assert extract_code_links("see github.com/owner/repo for code") == [
        "https://github.com/owner/repo"
    ]


def test_http_and_www_are_normalised_away():
    assert extract_code_links("http://www.github.com/owner/repo") == [
        "https://github.com/owner/repo"
    ]


def test_the_host_is_lowercased_but_owner_and_repo_keep_their_case():
    assert extract_code_links("HTTPS://GitHub.COM/Some-Owner/My_Repo") == [
        "https://github.com/Some-Owner/My_Repo"
    ]


@pytest.mark.parametrize(
    "link",
    [
        "https://github.com/owner/repo/tree/main/src",
        "https://github.com/owner/repo/blob/main/README.md",
        "https://github.com/owner/repo/issues",
        "https://github.com/owner/repo?tab=readme",
        "https://github.com/owner/repo#usage",
        "https://github.com/owner/repo/",
        "https://github.com/owner/repo.git",
    ],
)
def test_deep_github_links_reduce_to_the_repository_root(link):
    assert extract_code_links(f"Code at {link} now.") == ["https://github.com/owner/repo"]


@pytest.mark.parametrize(
    "text",
    [
        "Code: https://github.com/owner/repo.",
        "Code: https://github.com/owner/repo,",
        "Code: https://github.com/owner/repo;",
        "Code: https://github.com/owner/repo:",
        "(code: https://github.com/owner/repo)",
        "[https://github.com/owner/repo]",
        "{https://github.com/owner/repo}",
        'Code: "https://github.com/owner/repo"',
        "Code: 'https://github.com/owner/repo'",
        "Code at https://github.com/owner/repo...",
        "Code: https://github.com/owner/repo.git).",
    ],
)
def test_sentence_punctuation_after_a_link_is_not_part_of_it(text):
    assert extract_code_links(text) == ["https://github.com/owner/repo"]


def test_a_dot_inside_a_repository_name_is_kept():
    assert extract_code_links("github.com/owner/repo.js.") == ["https://github.com/owner/repo.js"]


@pytest.mark.parametrize(
    "text",
    [
        "github.com",
        "https://github.com/",
        "https://github.com/owner",
        "https://github.com/owner/",
        "https://github.com/orgs/acme/repositories",
        "https://github.com/features/copilot",
        "https://github.com/sponsors/someone",
        "https://github.com/topics/graphs",
        "https://github.com/about/careers",
        "https://github.com/marketplace/actions",
        "https://gist.github.com/owner/abc123",
        "https://api.github.com/repos/owner/repo",
        "mail me@github.com/x/y",
        "https://github.com.evil.org/owner/repo",
        "https://notgithub.company/owner/repo",
    ],
)
def test_links_that_do_not_name_a_repository_are_skipped(text):
    assert extract_code_links(text) == []


# GitLab and Hugging Face


def test_a_gitlab_project_in_subgroups_keeps_its_full_path():
    assert extract_code_links("https://gitlab.com/group/sub/project/-/tree/main/src") == [
        "https://gitlab.com/group/sub/project"
    ]


def test_an_old_style_gitlab_tree_link_stops_at_the_project():
    assert extract_code_links("gitlab.com/group/project/tree/master.") == [
        "https://gitlab.com/group/project"
    ]


def test_a_gitlab_git_suffix_and_trailing_dot_are_dropped():
    assert extract_code_links("https://gitlab.com/group/project.git.") == [
        "https://gitlab.com/group/project"
    ]


def test_a_gitlab_group_page_alone_is_skipped():
    assert extract_code_links("https://gitlab.com/group") == []
    assert extract_code_links("https://gitlab.com/explore/projects") == []


def test_a_hugging_face_model_page_reduces_to_the_model():
    assert extract_code_links("https://huggingface.co/owner/model-7b/blob/main/config.json") == [
        "https://huggingface.co/owner/model-7b"
    ]


def test_hugging_face_datasets_and_spaces_keep_their_kind():
    text = "Data: huggingface.co/datasets/owner/set. Demo: https://huggingface.co/spaces/owner/app"
    assert extract_code_links(text) == [
        "https://huggingface.co/datasets/owner/set",
        "https://huggingface.co/spaces/owner/app",
    ]


def test_hugging_face_site_pages_and_bare_owners_are_skipped():
    text = (
        "https://huggingface.co/papers/2401.00001 https://huggingface.co/docs/transformers "
        "https://huggingface.co/owner https://huggingface.co/datasets/owner "
        "https://huggingface.co/collections/owner/thing"
    )
    assert extract_code_links(text) == []


# TeX, wraps, several texts


def test_links_inside_url_and_href_commands_are_found():
    text = r"\url{https://github.com/a/one} and \href{https://github.com/b/two}{our code}"
    assert extract_code_links(text) == ["https://github.com/a/one", "https://github.com/b/two"]


def test_tex_escaped_underscores_in_links_are_unescaped():
    assert extract_code_links(r"\url{https://github.com/my\_org/my\_repo}") == [
        "https://github.com/my_org/my_repo"
    ]


def test_a_link_broken_by_a_line_wrap_after_the_owner_is_joined():
    assert extract_code_links("code at https://github.com/owner/\nrepo and more") == [
        "https://github.com/owner/repo"
    ]


def test_a_link_broken_by_a_line_wrap_after_the_host_is_joined():
    assert extract_code_links("code at https://github.com/\nowner/repo.") == [
        "https://github.com/owner/repo"
    ]


def test_a_wrap_after_a_complete_link_is_not_joined():
    assert extract_code_links("https://gitlab.com/group/project/\nWe show") == [
        "https://gitlab.com/group/project"
    ]


def test_a_wrap_before_an_indented_new_paragraph_is_not_joined():
    assert extract_code_links("https://github.com/owner/\n  Second paragraph") == []


def test_repeats_are_dropped_whatever_their_case_keeping_the_first_spelling():
    texts = (
        "github.com/Owner/Repo and https://github.com/owner/repo/issues",
        "GITHUB.COM/OWNER/REPO",
    )
    assert extract_code_links(*texts) == ["https://github.com/Owner/Repo"]


def test_links_keep_their_order_of_appearance_across_hosts_and_texts():
    abstract = "Model huggingface.co/o/m, code github.com/o/c."
    comments = "Mirror: gitlab.com/o/c and github.com/o/d"
    assert extract_code_links(abstract, comments) == [
        "https://huggingface.co/o/m",
        "https://github.com/o/c",
        "https://gitlab.com/o/c",
        "https://github.com/o/d",
    ]


def test_text_naming_no_host_gives_no_links():
    assert extract_code_links("We study graphs. Code will be released.") == []
    assert extract_code_links() == []
    assert extract_code_links("", None) == []  # type: ignore[arg-type]


def test_characters_that_lowercase_to_two_do_not_shift_positions():
    assert extract_code_links("İİ github.com/a/b İ github.com/c/d") == [
        "https://github.com/a/b",
        "https://github.com/c/d",
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(), LINKISH), max_size=3))
def test_extract_code_links_never_raises_and_gives_unique_https_roots(texts):
    links = extract_code_links(*texts)
    assert len({link.lower() for link in links}) == len(links)
    for link in links:
        assert link.startswith(
            ("https://github.com/", "https://gitlab.com/", "https://huggingface.co/")
        )
        assert not link.endswith(("/", ".", ".git"))
