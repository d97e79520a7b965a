"""Background tasks of the repositories app; each takes ids (or none) and is idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from dailypapers.papers.models import Paper
from dailypapers.repos.links import link_papers, link_unlinked
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
    link_unlinked()
    ids = due_ids(limit=settings.GITHUB_STARS_PER_RUN)
    if not ids:
        return 0
    with github_client() as client:
        return refresh(ids, client).fetched


LINK_CHUNK = 1000


def on_papers_imported(sender: str, count: int = 0, ids: list[int] | None = None, **_: Any) -> None:
    """Once an import commits, queue the linking of the papers it changed that link code
    (one indexed look-up per chunk; most papers link none). A bulk import without ids is
    linked by the next scheduled run (link_unlinked)."""
    if count <= 0 or not ids:
        return
    changed = sorted(ids)

    def enqueue() -> None:
        for start in range(0, len(changed), LINK_CHUNK):
            chunk = Paper.objects.filter(pk__in=changed[start : start + LINK_CHUNK], has_code=True)
            coded = list(chunk.values_list("pk", flat=True))
            if coded:
                link_repositories.enqueue(coded)

    transaction.on_commit(enqueue)
