"""What the open interfaces read beyond the feed's own queries (dailypapers.feed.queries).

Lists reuse the feed's query functions and only widen the loaded columns to what an API item
or a feed entry shows, so each list stays one query whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from django.db.models import F

from dailypapers.feed.models import Collection
from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.papers.models import Author, Paper
from dailypapers.papers.querysets import LIST_COLUMNS, PaperQuerySet

# A list item of the API and a feed entry show a little more than a list page does.
API_COLUMNS = (*LIST_COLUMNS, "version", "submitted_at", "updated_at")


def api_columns(papers: PaperQuerySet) -> PaperQuerySet:
    # A second only() replaces the first: the submitter join from listed() stays.
    return papers.only(*API_COLUMNS)


def api_papers_in_order(ids: Sequence[int]) -> list[Paper]:
    """These papers as API items (the submitter joined), in the order of ``ids``."""
    return api_columns(Paper.objects.listed()).in_order(ids)


def bare_id(raw: str) -> str | None:
    """The stored form of an id as people write it (versioned, a URL); None if not an id."""
    try:
        return normalize_id(raw)
    except InvalidArxivId:
        return None


def find_paper(raw_id: str) -> Paper | None:
    """One paper with its submission and submitter, by any spelling of its arXiv id."""
    arxiv_id = bare_id(raw_id)
    if arxiv_id is None:
        return None
    return Paper.objects.with_submitter().filter(arxiv_id=arxiv_id).first()


def paper_authors(paper: Paper) -> list[Author]:
    return list(
        Author.objects.filter(authorships__paper=paper)
        .order_by("authorships__position")
        .only("id", "name")
    )


def public_collection(user_id: int, slug: str) -> Collection | None:
    """A public collection of an active member; private ones stay as hidden as on the site."""
    return (
        Collection.objects.select_related("owner")
        .filter(owner_id=user_id, owner__is_active=True, slug=slug, is_public=True)
        .first()
    )


def collection_papers(collection: Collection) -> PaperQuerySet:
    """The papers of a collection, most recently added first, like its page."""
    papers = Paper.objects.filter(collectionitem__collection=collection).annotate(
        added_at=F("collectionitem__added_at")
    )
    return papers.listed().order_by("-added_at", "-arxiv_id")


def listed_at(paper: Paper) -> datetime | None:
    """When a paper joined the daily feed: its submission, else its announcement (00:00 UTC).

    The Hugging Face fields "submittedOnDailyAt" and the feeds' entry dates both say this.
    """
    submission = getattr(paper, "submission", None)
    if submission is not None:
        return submission.submitted_at
    if paper.announced_on:
        return datetime.combine(paper.announced_on, time.min, tzinfo=UTC)
    return paper.submitted_at
