"""Which repository is each paper's: its first GitHub code link, kept in RepoLink.

``link_papers(ids)`` recomputes the link of those papers (idempotent); ``link_changed()``
finds the papers to recompute: those changed since the last pass (``Paper.changed_at``), and
so a bulk import, an updated abstract or a removed link is caught on the next run of the job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q

from dailypapers.lib.artifacts import primary_github_repo
from dailypapers.papers.models import Paper
from dailypapers.repos.models import RefreshState, RepoLink, Repository

LINKED_AT = "linked-at"
BATCH = 1000


def link_papers(paper_ids: Iterable[int]) -> int:
    """Point each of these papers at its repository, or at none; returns the links made."""
    papers = list(Paper.objects.filter(pk__in=list(paper_ids)).only("pk", "code_links"))
    wanted = {paper.pk: primary_github_repo(paper.code_links) for paper in papers}
    names = {Repository.key_for(*found): found for found in wanted.values() if found}
    with transaction.atomic():
        known = dict(
            Repository.objects.filter(key__in=names).values_list("key", "pk")
        )  # fmt: skip
        missing = [Repository(owner=owner, name=name, key=key)
                   for key, (owner, name) in names.items() if key not in known]  # fmt: skip
        Repository.objects.bulk_create(missing, ignore_conflicts=True)
        if missing:
            known = dict(Repository.objects.filter(key__in=names).values_list("key", "pk"))
        RepoLink.objects.filter(pk__in=[pk for pk, found in wanted.items() if not found]).delete()
        links = [RepoLink(paper_id=pk, repository_id=known[Repository.key_for(*found)])
                 for pk, found in wanted.items() if found]  # fmt: skip
        RepoLink.objects.bulk_create(
            links, update_conflicts=True, unique_fields=["paper"], update_fields=["repository"]
        )
    return len(links)


def link_changed(now: datetime | None = None) -> int:
    """Link every paper changed since the last pass; returns how many papers were looked at."""
    now = now or datetime.now(UTC)
    since = RefreshState.read(LINKED_AT)
    papers = Paper.objects.filter(
        Q(code_links__icontains="github.com/") | Q(repo_link__isnull=False)
    )
    if since is not None:
        papers = papers.filter(changed_at__gte=since)
    seen = 0
    batch: list[int] = []
    for paper_id in papers.values_list("pk", flat=True).order_by().iterator(chunk_size=BATCH):
        batch.append(paper_id)
        if len(batch) >= BATCH:
            seen += len(batch)
            link_papers(batch)
            batch = []
    if batch:
        seen += len(batch)
        link_papers(batch)
    RefreshState.write(LINKED_AT, now)
    return seen
