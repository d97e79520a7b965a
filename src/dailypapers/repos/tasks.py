"""Background tasks of the repositories app; each takes ids (or none) and is idempotent."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from dailypapers.repos.links import link_changed, link_papers
from dailypapers.repos.refresh import due_ids, github_client, refresh


@task()
def link_repositories(paper_ids: list[int]) -> int:
    """Recompute which repository each of these papers links."""
    return link_papers(paper_ids)


@task()
def refresh_stars(repository_ids: list[int]) -> int:
    """Fetch the stars of these repositories; returns how many answers were stored."""
    with github_client() as client:
        return refresh(repository_ids, client).fetched


@task()
def refresh_due_stars() -> int:
    """The scheduled run: link changed papers, then fetch the repositories that are due."""
    link_changed()
    ids = due_ids(limit=settings.GITHUB_STARS_PER_RUN)
    if not ids:
        return 0
    with github_client() as client:
        return refresh(ids, client).fetched
