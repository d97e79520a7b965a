"""``{% paper_code paper as code %}``: what repos/_paper.html shows of a paper's code and links."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from dailypapers.lib.artifacts import Artifacts, linked_artifacts
from dailypapers.lib.projectpages import extract_project_page
from dailypapers.papers.models import Paper
from dailypapers.repos.models import Repository
from dailypapers.repos.queries import repository_of

register = template.Library()


@dataclass(frozen=True, slots=True)
class PaperCode:
    repository: Repository | None
    project_page: str | None
    artifacts: Artifacts

    def __bool__(self) -> bool:
        return bool(self.repository or self.project_page or self.artifacts)


@register.simple_tag
def paper_code(paper: Paper) -> PaperCode:
    """The paper's repository (joined with the paper by ``with_submitter()``), project page
    and linked Hub repositories."""
    return PaperCode(
        repository=repository_of(paper) if paper.has_code else None,
        project_page=extract_project_page(paper.abstract, paper.comments),
        artifacts=linked_artifacts(paper.code_links),
    )
