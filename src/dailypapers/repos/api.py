"""The Hugging Face API's fields about a paper's code and links, for api/hf.py's paper object.

``hub_repo_fields(paper)`` gives them and ``HubRepoFields`` declares them, so api/hf.py and
api/schemas.py each merge them in one line. Where the values come from:

- ``githubStars``: the stars of the paper's repository (``githubRepo``, its first GitHub
  code link), as last read from GitHub (kept if it is gone since); None until read. List
  rows carry them from ``PaperQuerySet.listed()``'s join and a single paper from
  ``with_submitter()``'s, so neither costs a query of its own.
- ``projectPage``: lib/projectpages.py on the abstract and the arXiv comments.
- ``linkedModels`` / ``linkedDatasets`` / ``linkedSpaces`` and their counts: the Hugging
  Face repositories among the paper's code links (lib/artifacts.py), each as
  ``{"id": "owner/name", "author": "owner"}``, what ``ModelInfo`` / ``DatasetInfo`` /
  ``SpaceInfo`` need. Empty lists when it links none: we did look.
- ``organization`` is left out: the Hub sets it from an organization that claimed the paper
  on huggingface.co, and nothing here records such a claim, so there is no value to give.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from dailypapers.lib.artifacts import linked_artifacts
from dailypapers.lib.projectpages import extract_project_page
from dailypapers.papers.models import Paper
from dailypapers.repos.queries import repository_of


class HubArtifact(Schema):
    id: str = Field(description="owner/name on huggingface.co")
    author: str


class HubRepoFields(Schema):
    githubStars: int | None = Field(None, description="Stars of githubRepo, as last read")
    projectPage: str | None = Field(None, description="The paper's project page, if it names one")
    linkedModels: list[HubArtifact] = Field(default_factory=list)
    numTotalModels: int = 0
    linkedDatasets: list[HubArtifact] = Field(default_factory=list)
    numTotalDatasets: int = 0
    linkedSpaces: list[HubArtifact] = Field(default_factory=list)
    numTotalSpaces: int = 0


def github_stars(paper: Paper) -> int | None:
    """The stars shown for a paper: from the list's or the paper's join, else one query."""
    if "github_stars" in paper.__dict__:
        stars: int | None = paper.__dict__["github_stars"]
        return stars
    repository = repository_of(paper)
    return None if repository is None else repository.stars


def _artifacts(ids: list[str]) -> list[dict[str, str]]:
    return [{"id": found, "author": found.split("/", 1)[0]} for found in ids]


def hub_repo_fields(paper: Paper) -> dict[str, Any]:
    """githubStars, projectPage and the linked Hugging Face repositories of ``paper``."""
    found = linked_artifacts(paper.code_links)
    return {
        "githubStars": github_stars(paper),
        "projectPage": extract_project_page(paper.abstract, paper.comments),
        "linkedModels": _artifacts(found.models),
        "numTotalModels": len(found.models),
        "linkedDatasets": _artifacts(found.datasets),
        "numTotalDatasets": len(found.datasets),
        "linkedSpaces": _artifacts(found.spaces),
        "numTotalSpaces": len(found.spaces),
    }
