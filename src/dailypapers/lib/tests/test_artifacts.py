"""Hugging Face models, datasets and Spaces among a paper's links, and its GitHub repository."""

from __future__ import annotations

from dailypapers.lib.artifacts import (
    Artifacts,
    artifacts_in,
    github_repo,
    linked_artifacts,
    primary_github_repo,
)


def test_hub_links_are_sorted_into_models_datasets_and_spaces_in_order():
    found = artifacts_in(
        "Weights: https://huggingface.co/ada/sparse-7b. Data: huggingface.co/datasets/ada/bench,"
        " demo at https://huggingface.co/spaces/ada/demo;"
        " also huggingface.co/ada/sparse-1b/tree/main",
        "Code: https://github.com/ada/sparse",
    )
    assert found == Artifacts(
        models=["ada/sparse-7b", "ada/sparse-1b"], datasets=["ada/bench"], spaces=["ada/demo"]
    )


def test_the_hubs_own_pages_and_other_hosts_are_no_artifacts():
    found = artifacts_in("See huggingface.co/docs/transformers and huggingface.co/papers/2501.1")
    assert not found
    assert linked_artifacts(["https://github.com/ada/x", "https://gitlab.com/a/b"]) == Artifacts()


def test_the_primary_repository_is_the_first_github_link():
    links = [
        "https://huggingface.co/ada/m",
        "https://github.com/Ada/Sparse",
        "https://github.com/b/c",
    ]
    assert primary_github_repo(links) == ("Ada", "Sparse")
    assert primary_github_repo(["https://gitlab.com/a/b"]) is None
    assert github_repo("https://github.com/ada") is None
