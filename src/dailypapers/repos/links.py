"""Which repository is each paper's: its first GitHub code link, kept in RepoLink.

``link_papers(ids)`` recomputes the link of those papers (idempotent); an import queues it
for the papers it changed (tasks.on_papers_imported). ``link_unlinked()``, run by the
scheduled job, links the papers no import named (a bulk file keeps no ids).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef

from dailypapers.lib.artifacts import primary_github_repo
from dailypapers.papers.models import Paper
from dailypapers.repos.models import RepoLink, Repository

BATCH = 1000


def link_papers(paper_ids: Iterable[int]) -> int:
    """Point each of these papers at its repository, or at none; returns the links made."""
    papers = Paper.objects.filter(pk__in=list(paper_ids)).only("pk", "code_links").order_by("pk")
    wanted = {paper.pk: primary_github_repo(paper.code_links) for paper in papers}
    names: dict[str, tuple[str, str]] = {}
    for found in wanted.values():
        if found:
            names.setdefault(Repository.key_for(*found), found)  # the first spelling stays
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


def link_unlinked() -> int:
    """Link every paper that names a GitHub repository but has no link yet (a bulk import's
    papers, or any the import signal missed); returns how many papers were linked."""
    papers = Paper.objects.filter(has_code=True, code_links__icontains="github.com/").exclude(
        Exists(RepoLink.objects.filter(paper=OuterRef("pk")))
    )
    linked = 0
    batch: list[int] = []
    for paper_id in papers.values_list("pk", flat=True).order_by().iterator(chunk_size=BATCH):
        batch.append(paper_id)
        if len(batch) >= BATCH:
            linked += link_papers(batch)
            batch = []
    return linked + (link_papers(batch) if batch else 0)
