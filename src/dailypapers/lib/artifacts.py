"""Hugging Face models, datasets and Spaces a paper links, and its GitHub repository.

lib/codelinks.py reduces every link in an abstract or a comment to a repository's root URL
("https://huggingface.co/OWNER/NAME", ".../datasets/OWNER/NAME", ".../spaces/OWNER/NAME",
"https://github.com/OWNER/REPO"), and papers store that list as ``code_links``. This module
sorts the list into what the Hub calls linked models, datasets and Spaces, and names the
GitHub repository whose stars the site shows, so nothing is parsed twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dailypapers.lib.codelinks import extract_code_links

__all__ = ["Artifacts", "artifacts_in", "github_repo", "linked_artifacts", "primary_github_repo"]

_HF = "https://huggingface.co/"
_GITHUB = "https://github.com/"


@dataclass(frozen=True, slots=True)
class Artifacts:
    """Repository ids ("OWNER/NAME") in the order the paper names them."""

    models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    spaces: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.models or self.datasets or self.spaces)


def linked_artifacts(code_links: Iterable[str]) -> Artifacts:
    """The Hugging Face repositories among ``code_links`` (as lib/codelinks.py gives them)."""
    found = Artifacts()
    for link in code_links:
        if not link.startswith(_HF):
            continue
        path = link[len(_HF) :]
        kind, _, rest = path.partition("/")
        if kind == "datasets":
            found.datasets.append(rest)
        elif kind == "spaces":
            found.spaces.append(rest)
        else:
            found.models.append(path)
    return found


def artifacts_in(*texts: str) -> Artifacts:
    """The Hugging Face repositories the texts link, for a text not stored as a paper."""
    return linked_artifacts(extract_code_links(*texts))


def github_repo(link: str) -> tuple[str, str] | None:
    """(owner, name) of a GitHub repository root URL; None for any other link."""
    if not link.startswith(_GITHUB):
        return None
    owner, _, name = link[len(_GITHUB) :].partition("/")
    if not owner or not name or "/" in name:
        return None
    return owner, name


def primary_github_repo(code_links: Iterable[str]) -> tuple[str, str] | None:
    """The paper's GitHub repository: the first one it links (the Hub's ``githubRepo``)."""
    return next((found for link in code_links if (found := github_repo(link))), None)
