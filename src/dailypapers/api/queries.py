"""What the open interfaces read beyond the feed's own queries (dailypapers.feed.queries).

Lists reuse the feed's query functions and only widen the loaded columns to what an API item
or a feed entry shows, so each list stays one query whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from dailypapers.feed.models import Collection, Curation
from dailypapers.lib.arxiv.ids import InvalidArxivId, normalize_id
from dailypapers.papers.models import Author, Paper
from dailypapers.papers.querysets import LIST_COLUMNS, PaperQuerySet

# A list item of the API and a feed entry show a little more than a list page does.
# first_seen_at: the last fallback of published_at, so that it costs no query per item;
# comments: where most papers name their project page (projectPage).
API_COLUMNS = (*LIST_COLUMNS, "version", "submitted_at", "updated_at", "first_seen_at",
               "comments")  # fmt: skip
# Newest first; announced_on may be null, so where its nulls go is spelled out (cursors.py).
NEWEST = (F("announced_on").desc(nulls_last=True), "-arxiv_id")
# Within one feed day of the undated Hugging Face list, by the sort asked for.
_DAY_ORDERS = {
    "newest": ("-arxiv_id",),
    "upvotes": ("-upvote_count", "-trending_score", "arxiv_id"),
    "trending": ("-trending_score", "-upvote_count", "arxiv_id"),
}


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


def published_at(paper: Paper) -> datetime:
    """arXiv's version-1 time, else the earliest date we hold, so the Hub's field is never null.

    Some records carry no version-1 date: then the date of the version we have, else the
    announcement day (00:00 UTC), else when this site first stored the paper.
    """
    if paper.submitted_at is not None:
        return paper.submitted_at
    if paper.updated_at is not None:
        return paper.updated_at
    if paper.announced_on:
        return datetime.combine(paper.announced_on, time.min, tzinfo=UTC)
    return paper.first_seen_at


def _not_hidden() -> PaperQuerySet:
    # Across days a hiding has no one day to apply to: a paper hidden anywhere stays out.
    hidden = Curation.objects.filter(paper=OuterRef("pk"), state=Curation.HIDDEN)
    return Paper.objects.exclude(Exists(hidden))


def daily_across_days(sort: str) -> PaperQuerySet:
    """Every feed day's papers, newest day first, each day in ``sort`` order.

    The Hugging Face list without a date, week or month: a paper's day is its submission's
    feed day, else its announcement day; papers with neither are on no day.
    """
    papers = _not_hidden().filter(Q(announced_on__isnull=False) | Q(submission__isnull=False))
    papers = papers.annotate(feed_on=Coalesce("submission__feed_day", "announced_on"))
    return papers.listed().order_by("-feed_on", *_DAY_ORDERS[sort])


def newest_papers() -> PaperQuerySet:
    """All papers but hidden ones, newest first (an order ``cursor_page`` can page)."""
    return _not_hidden().listed().order_by(*NEWEST)
