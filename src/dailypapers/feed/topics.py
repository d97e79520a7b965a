"""Topics: which papers a topic holds, and who follows which topic.

A paper is in a topic when it matches the topic's query (the search syntax of lib/query.py,
answered by the search engine) and is listed in at least one of the topic's categories,
cross-lists included. A topic without a query is its categories alone, read straight from
PaperCategory; a topic without categories is its query alone.

The search engine takes at most one extra category and requires each, so a query topic
with several categories runs one search per category and merges them: each stream is
ordered the same way, so the first N of the merge are among the first N of the streams.
Like search itself, a query topic lists at most ``MAX_RESULTS`` papers.

Digests and the "For you" scorer call ``topic_paper_ids``; the pages call ``topic_ids``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils.text import slugify

from dailypapers.feed.models import Topic, TopicFollow
from dailypapers.feed.unique_rows import delete_rows, free_slug, insert_once
from dailypapers.lib.query import QueryError, canonical_category, parse
from dailypapers.papers.models import Paper, PaperCategory
from dailypapers.search.engine import MAX_PER_PAGE, MAX_RESULTS, search

# newest: latest announcement first. trending: the trending score, as on /trending/.
# best: upvotes and trending first, then (for a query) relevance, else newest: for digests.
SORTS = ("newest", "trending", "best")
RESERVED_SLUGS = {"new"}  # /topics/new/ is the form
MAX_CATEGORIES = 10  # each is one search; more would make a topic page slow
_ORDER_KEYS = {
    "newest": (F("announced_on").desc(nulls_last=True), "-id"),
    "trending": ("-trending_score", "-upvote_count", F("announced_on").desc(nulls_last=True),
                 "-id"),
    "best": ("-trending_score", "-upvote_count", F("announced_on").desc(nulls_last=True), "-id"),
}  # fmt: skip
_SEARCH_SORT = {"newest": "newest", "trending": "trending", "best": "relevance"}


class TopicError(ValueError):
    """A topic's query or categories cannot be used; the message is for the person."""


@dataclass(frozen=True, slots=True)
class TopicPapers:
    ids: list[int]  # the requested slice, in order
    total: int  # every match (up to the search engine's cap)
    total_is_estimate: bool = False  # several categories were searched and overlap


# -- validation ----------------------------------------------------------------------------


def clean_query(text: str) -> str:
    """The query written canonically ("" for none); TopicError says what is wrong with it."""
    text = text.strip()
    if not text:
        return ""
    try:
        parsed = parse(text)
    except QueryError as error:
        raise TopicError(str(error)) from None
    if parsed.is_empty:
        raise TopicError("The query has no words, authors or categories to look for.")
    return parsed.as_text()


def clean_categories(values: Iterable[str]) -> list[str]:
    """Canonical category names, in the order given, without repeats."""
    found: list[str] = []
    for value in values:
        if not value.strip():
            continue
        canonical = canonical_category(value)
        if canonical is None:
            raise TopicError(
                f"“{value.strip()[:40]}” is not an arXiv category; write one like cs.LG."
            )
        if canonical not in found:
            found.append(canonical)
    if len(found) > MAX_CATEGORIES:
        raise TopicError(f"A topic takes at most {MAX_CATEGORIES} categories.")
    return found


def unique_slug(name: str) -> str:
    """A free slug for a new topic: "graph-learning", then "graph-learning-2", …"""
    base = slugify(name)[:90] or "topic"
    taken = set(Topic.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return free_slug(base, taken | RESERVED_SLUGS)


# -- papers of a topic ---------------------------------------------------------------------


def _category_rows(categories: Sequence[str], since: date | None) -> QuerySet[PaperCategory]:
    rows = PaperCategory.objects.filter(category__in=categories, announced_on__isnull=False)
    return rows.filter(announced_on__gte=since) if since is not None else rows


def _category_slice(
    categories: Sequence[str], sort: str, offset: int, limit: int, since: date | None
) -> TopicPapers:
    """A topic of categories alone, read from PaperCategory and its (category, day) index."""
    rows = _category_rows(categories, since)
    if sort == "trending":
        # Rising now, as on /trending/: ordering a whole category by a score most of its
        # papers do not have would sort tens of thousands of rows for nothing.
        papers = Paper.objects.filter(trending_score__gt=0, pk__in=rows.values("paper_id"))
        ids = list(papers.order_by(*_ORDER_KEYS[sort]).values_list("pk", flat=True)[:MAX_RESULTS])
        return TopicPapers(ids=ids[offset : offset + limit], total=len(ids))
    one_row_per_paper = len(categories) == 1
    total = rows.count() if one_row_per_paper else rows.values("paper_id").distinct().count()
    if sort == "newest":
        # A paper listed in several of the categories comes once per category: read enough
        # rows for the slice to survive dropping the repeats.
        wanted = (offset + limit) * len(categories)
        ordered = rows.order_by("-announced_on", "-paper_id").values_list("paper_id", flat=True)
        ids = list(dict.fromkeys(ordered[:wanted]))
    else:
        papers = Paper.objects.filter(pk__in=rows.values("paper_id"))
        ids = list(
            papers.order_by(*_ORDER_KEYS[sort]).values_list("pk", flat=True)[: offset + limit]
        )
    return TopicPapers(ids=ids[offset : offset + limit], total=total)


def _stream(
    query: str, category: str | None, sort: str, since: date | None, needed: int
) -> tuple[list[int], int]:
    """The first ``needed`` ids of one search, and its total."""
    ids: list[int] = []
    per_page = min(max(needed, 1), MAX_PER_PAGE)
    page = 1
    total = 0
    while len(ids) < needed and (page - 1) * per_page < MAX_RESULTS:
        found = search(
            query, category=category, date_from=since, sort=sort, page=page, per_page=per_page
        )
        if found.error:
            raise TopicError(found.error)
        total = found.total
        ids.extend(found.papers)
        if len(found.papers) < per_page:
            break
        page += 1
    return ids[:needed], total


def _ordered(ids: Iterable[int], sort: str, ranks: dict[int, int] | None = None) -> list[int]:
    """``ids`` in the order of ``sort``; for "best", relevance ranks break the ties."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    if sort == "best" and ranks is not None:
        rows = Paper.objects.filter(pk__in=wanted).values_list(
            "pk", "trending_score", "upvote_count"
        )
        keyed = sorted(rows, key=lambda row: (-row[1], -row[2], ranks.get(row[0], 0)))
        return [row[0] for row in keyed]
    order = Paper.objects.filter(pk__in=wanted).order_by(*_ORDER_KEYS[sort])
    return list(order.values_list("pk", flat=True))


def papers_of(
    query: str,
    categories: Sequence[str],
    *,
    sort: str = "newest",
    offset: int = 0,
    limit: int = 25,
    since: date | None = None,
) -> TopicPapers:
    """The papers of a query and categories (as a topic holds them), one slice in order.

    Raises TopicError for a query the search engine refuses.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    query = query.strip()
    if not query and not categories:
        return TopicPapers(ids=[], total=0)
    if not query:
        return _category_slice(categories, sort, offset, limit, since)
    needed = min(offset + limit, MAX_RESULTS)
    search_sort = _SEARCH_SORT[sort]
    if len(categories) <= 1:
        ids, total = _stream(query, categories[0] if categories else None, search_sort, since,
                             needed)  # fmt: skip
        if sort == "best":
            ids = _ordered(ids, sort, {pk: rank for rank, pk in enumerate(ids)})
        return TopicPapers(ids=ids[offset : offset + limit], total=min(total, MAX_RESULTS))
    merged: list[int] = []
    ranks: dict[int, int] = {}
    total = 0
    exhausted = True
    for category in categories:
        ids, found = _stream(query, category, search_sort, since, needed)
        total += found
        exhausted = exhausted and found <= len(ids)
        for rank, pk in enumerate(ids):
            ranks[pk] = min(rank, ranks.get(pk, rank))
        merged.extend(ids)
    ordered = _ordered(merged, sort, ranks)
    if exhausted:  # every match is in hand: the count is exact, cross-lists counted once
        total = len(ordered)
    return TopicPapers(
        ids=ordered[offset : offset + limit],
        total=min(total, MAX_RESULTS),
        total_is_estimate=not exhausted,
    )


def topic_ids(
    topic: Topic, *, sort: str = "newest", offset: int = 0, limit: int = 25,
    since: date | None = None,
) -> TopicPapers:  # fmt: skip
    return papers_of(topic.query, topic.categories, sort=sort, offset=offset, limit=limit,
                     since=since)  # fmt: skip


def topic_paper_ids(topic_id: int, since: date, limit: int) -> list[int]:
    """Papers announced on or after ``since`` in the topic, best first.

    Best: most upvoted and trending first, then the closest matches of the query (newest
    first for a topic without one). An unknown topic, or one whose stored query the search
    engine now refuses, holds no papers.
    """
    topic = Topic.objects.filter(pk=topic_id).only("query", "categories").first()
    if topic is None or limit <= 0:
        return []
    try:
        return topic_ids(topic, sort="best", limit=limit, since=since).ids
    except TopicError:
        return []


# -- following -----------------------------------------------------------------------------


def follow(user_id: int, topic_id: int) -> bool:
    """Follow a topic; False when already followed (the unique constraint says so)."""
    return insert_once(TopicFollow, user_id=user_id, topic_id=topic_id)


def unfollow(user_id: int, topic_id: int) -> bool:
    """Stop following; False when the topic was not followed."""
    return delete_rows(TopicFollow, user_id=user_id, topic_id=topic_id)


def is_following(user_id: int | None, topic_id: int) -> bool:
    if user_id is None:
        return False
    return TopicFollow.objects.filter(user_id=user_id, topic_id=topic_id).exists()


def followed_topics(user_id: int) -> list[Topic]:
    """The topics a member follows, by name."""
    return list(Topic.objects.filter(follows__user_id=user_id).order_by("name"))


def with_follower_counts(topics: QuerySet[Topic] | None = None) -> QuerySet[Topic]:
    """Topics with ``follower_count``, most followed first (featured ones ahead)."""
    topics = Topic.objects.all() if topics is None else topics
    return topics.annotate(follower_count=Count("follows")).order_by(
        "-is_featured", "-follower_count", "name"
    )


def search_topics(text: str) -> QuerySet[Topic]:
    """Topics whose name, query or categories mention ``text`` (case-insensitive)."""
    text = text.strip()[:100]
    if not text:
        return Topic.objects.all()
    return Topic.objects.filter(
        Q(name__icontains=text) | Q(query__icontains=text) | Q(description__icontains=text)
    )
