"""The database questions the reading pages ask, each answered in one or two queries.

List pages never query per item: they read the denormalised columns on Paper (author_names,
upvote_count, comment_count, trending_score) and join the submitter in the same query.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from dailypapers.core.prepared import PreparedQuery
from dailypapers.feed.models import Curation, Submission
from dailypapers.feed.trending import Signal, with_fallback
from dailypapers.papers.models import Author, Paper, PaperAuthor, PaperCategory
from dailypapers.papers.queries import latest_announcement_day
from dailypapers.papers.querysets import PaperQuerySet
from dailypapers.repos.queries import gaining_stars, stars_per_day_order
from dailypapers.search.related import related_ids
from dailypapers.search.semantic import semantic_enabled

SORTS = ("upvotes", "trending", "newest", "github")
# Last key of every order is the id, so pages never shuffle between requests.
_ORDERS = {
    "upvotes": ("-upvote_count", "-trending_score", "arxiv_id"),
    "trending": ("-trending_score", "-upvote_count", "arxiv_id"),
    "newest": (F("announced_on").desc(nulls_last=True), "-arxiv_id"),
    "github": stars_per_day_order(),  # stars gained per day, like the Hub's trending papers
}
# arXiv category names: "cs.LG", "hep-th", "physics.acc-ph", "q-bio.NC".
CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
# Big collaborations list thousands of authors; the first few are the ones readers follow,
# and a join over all of them would make one paper page cost seconds.
RELATED_AUTHORS_LIMIT = 10
# What the related list on the paper page shows.
RELATED_COLUMNS = ("arxiv_id", "title", "author_names", "announced_on")


@dataclass(frozen=True, slots=True)
class FeedFilters:
    sort: str = "upvotes"
    category: str = ""  # "" means every category
    has_code: bool = False

    @property
    def active(self) -> bool:
        return bool(self.category or self.has_code)


def is_category(text: str) -> bool:
    return len(text) <= 40 and bool(CATEGORY_RE.match(text))


def apply_filters(papers: PaperQuerySet, filters: FeedFilters) -> PaperQuerySet:
    if filters.category:
        # PaperCategory holds cross-lists too; its (paper, category) unique index answers
        # this per row, which stays cheap because a feed's day range is small.
        papers = papers.filter(
            Exists(PaperCategory.objects.filter(paper=OuterRef("pk"), category=filters.category))
        )
    if filters.has_code:
        papers = papers.filter(has_code=True)
    return papers


def feed_papers(start: date, end: date, filters: FeedFilters) -> PaperQuerySet:
    """The feed of the days start..end: announced then, or submitted onto those days.

    Papers a curator hid on one of these days are left out; featured ones come first and
    carry ``featured=True``.
    """
    days = (start, end)
    submitted = Submission.objects.filter(feed_day__range=days).values("paper_id")
    hidden = Curation.objects.filter(day__range=days, state=Curation.HIDDEN).values("paper_id")
    featured = Curation.objects.filter(
        paper=OuterRef("pk"), day__range=days, state=Curation.FEATURED
    )
    papers = (
        Paper.objects.filter(Q(announced_on__range=days) | Q(pk__in=submitted))
        .exclude(pk__in=hidden)
        .annotate(featured=Exists(featured))
    )
    papers = apply_filters(papers, filters)
    return papers.listed().order_by("-featured", *_ORDERS[filters.sort])


def trending_papers(filters: FeedFilters, signal: Signal | None = None) -> PaperQuerySet:
    """Papers rising now, across days; a paper a curator hid anywhere stays out.

    Given a ``signal`` that is thin (``Signal.thin``), the scored papers come first, then
    the papers of the latest days by the published fallback (feed/trending.py), so the list
    is never empty while there are papers. Without one, only scored papers are listed.
    """
    hidden = Curation.objects.filter(paper=OuterRef("pk"), state=Curation.HIDDEN)
    if signal is not None and signal.thin and signal.latest_day is not None:
        papers = with_fallback(Paper.objects.exclude(Exists(hidden)), signal.latest_day)
        order = ("-trending_score", "-fallback_score", F("announced_on").desc(nulls_last=True),
                 "arxiv_id")  # fmt: skip
        return apply_filters(papers, filters).listed().order_by(*order)
    papers = Paper.objects.filter(trending_score__gt=0).exclude(Exists(hidden))
    papers = apply_filters(papers, filters)
    return papers.listed().order_by(*_ORDERS["trending"])


def github_trending_papers(filters: FeedFilters) -> PaperQuerySet:
    """Papers whose GitHub repository gains stars fastest, across days ("Trending on
    GitHub"); a paper a curator hid anywhere stays out."""
    hidden = Curation.objects.filter(paper=OuterRef("pk"), state=Curation.HIDDEN)
    papers = apply_filters(Paper.objects.exclude(Exists(hidden)), filters)
    return gaining_stars(papers).listed()


def _first_day(papers_filter: Q, submissions_filter: Q, newest: bool) -> tuple[Subquery, ...]:
    paper_order = "-announced_on" if newest else "announced_on"
    submission_order = "-feed_day" if newest else "feed_day"
    return (
        Subquery(
            Paper.objects.filter(papers_filter, announced_on__isnull=False)
            .order_by(paper_order)
            .values("announced_on")[:1]
        ),
        Subquery(
            Submission.objects.filter(submissions_filter)
            .order_by(submission_order)
            .values("feed_day")[:1]
        ),
    )


def _pick(values: Iterable[date | None], newest: bool) -> date | None:
    found = [value for value in values if value is not None]
    if not found:
        return None
    return max(found) if newest else min(found)


def _one_row(**subqueries: Subquery) -> dict[str, date | None]:
    # Several "ORDER BY … LIMIT 1" lookups in one round trip, each using its index. Any
    # paper row serves as the FROM clause; with no papers there are no days to find.
    row = Paper.objects.order_by().values(**subqueries).first()
    return row or dict.fromkeys(subqueries)


def latest_feed_day() -> date | None:
    """The newest announcement day: what the home page shows and windows count from.

    Submissions join the latest announcement day, so they never start a day of their own;
    only an instance with no announced papers at all falls back to its newest submission.
    """
    announced = latest_announcement_day()
    if announced is not None:
        return announced
    return Submission.objects.order_by("-feed_day").values_list("feed_day", flat=True).first()


def neighbour_days(start: date, end: date) -> tuple[date | None, date | None]:
    """The nearest non-empty feed days before ``start`` and after ``end``."""
    before = _first_day(Q(announced_on__lt=start), Q(feed_day__lt=start), newest=True)
    after = _first_day(Q(announced_on__gt=end), Q(feed_day__gt=end), newest=False)
    row = _one_row(b1=before[0], b2=before[1], a1=after[0], a2=after[1])
    return (
        _pick((row["b1"], row["b2"]), newest=True),
        _pick((row["a1"], row["a2"]), newest=False),
    )


def feed_is_empty(start: date, end: date) -> bool:
    """True when nothing at all is on these days, filters aside (for the empty message)."""
    submitted = Submission.objects.filter(feed_day__range=(start, end)).values("paper_id")
    return not Paper.objects.filter(
        Q(announced_on__range=(start, end)) | Q(pk__in=submitted)
    ).exists()


def author_papers(author_id: int) -> PaperQuerySet:
    papers = Paper.objects.filter(authorships__author_id=author_id)
    return papers.listed().order_by(F("announced_on").desc(nulls_last=True), "-arxiv_id")


def category_papers(category: str) -> PaperQuerySet:
    """Papers listed in a category, cross-lists included, newest day first.

    Filtering and ordering on the same PaperCategory join lets its (category, announced_on)
    index serve both; papers with no known day are left out, because "NULLS LAST" would keep
    PostgreSQL from reading that index in order.
    """
    papers = Paper.objects.filter(
        category_rows__category=category, category_rows__announced_on__isnull=False
    ).annotate(listed_on=F("category_rows__announced_on"))
    return papers.listed().order_by("-listed_on", "-arxiv_id")


_VERSION_PROBE = "0000.00000"  # any id: only the compiled SQL is kept
_version_sql: dict[str, str] = {}  # database alias -> SQL


def paper_page_version(arxiv_id: str) -> str | None:
    """A digest of every column ``Paper.objects.with_submitter()`` loads for this id (None
    if there is no such paper)."""
    return row_version(paper_page_row(arxiv_id))


def row_version(row: tuple[Any, ...] | None) -> str | None:
    """The digest of a row of ``paper_page_row``; None for none."""
    return None if row is None else hashlib.sha256(repr(row).encode("utf-8")).hexdigest()


def paper_page_row(arxiv_id: str) -> tuple[Any, ...] | None:
    """The row of ``Paper.objects.with_submitter()`` for this id as the database returns it.

    The paper page's cache key: any change to the paper (an ``update()`` too), its
    submission or its submitter gives a new digest. It is the one query of a cached paper
    page, so its SQL is compiled once per database and the row is hashed as the database
    returns it: compiling that three-table SELECT took the ORM about four times as long as
    SQLite took to answer it.
    """
    alias = router.db_for_read(Paper)
    sql = _version_sql.get(alias)
    if sql is None:
        query = Paper.objects.with_submitter().filter(arxiv_id=_VERSION_PROBE).query
        sql, params = query.get_compiler(using=alias).as_sql()
        if tuple(params) != (_VERSION_PROBE,):  # the id must be the only parameter
            raise RuntimeError(f"unexpected parameters in the paper page query: {params!r}")
        _version_sql[alias] = sql
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [arxiv_id])
        row = cursor.fetchone()
    return None if row is None else tuple(row)


# The paper page's own questions, compiled once (core/prepared.py): rendered from scratch, a
# paper page asks four or five of them, and compiling each cost more than answering it.
_PAGE_PAPER = PreparedQuery(
    lambda arxiv_id: Paper.objects.with_submitter().filter(arxiv_id=arxiv_id)
)
# Rows, not instances (values_list): PreparedQuery[Any].
_PAGE_AUTHORS: PreparedQuery[Any] = PreparedQuery(
    lambda paper_id: (
        Author.objects.filter(authorships__paper=paper_id)
        .order_by("authorships__position")
        .values_list("id", "name")
    )
)
_RELATED_ROWS: PreparedQuery[Any] = PreparedQuery(
    lambda ids: Paper.objects.filter(pk__in=ids).values_list("pk", *RELATED_COLUMNS)
)


class AuthorRow(NamedTuple):
    """An author as the paper page links it: a row, not a model instance (a page of a big
    collaboration built hundreds of instances)."""

    pk: int
    name: str


class RelatedRow(NamedTuple):
    """A related paper with the columns its line on the paper page shows (RELATED_COLUMNS)."""

    pk: int
    arxiv_id: str
    title: str
    author_names: list[str]
    announced_on: date | None


def paper_for_page(arxiv_id: str, row: tuple[Any, ...] | None = None) -> Paper | None:
    """Every column of the paper, its submission and the submitter (``with_submitter``).

    Given ``row``, the ``paper_page_row`` a page-cache miss read for its key a moment ago
    (the same SQL), the paper is built from it without asking the database again."""
    if row is not None:
        return _PAGE_PAPER.from_rows([row], arxiv_id)[0]
    return _PAGE_PAPER.first(arxiv_id)


def authors_for_page(paper_id: int) -> list[AuthorRow]:
    """The paper's authors in order, only the two columns the page shows."""
    return [AuthorRow(*row) for row in _PAGE_AUTHORS.all(paper_id)]


# What related papers were found by, for the note under them on the paper page.
RELATED_BY_MEANING = "meaning"  # an embedding model's vectors
RELATED_BY_WORDS = "words"  # word-hash vectors: no embedding model configured
RELATED_BY_AUTHORS = "authors"  # no vector for this paper yet: shared authors, then category


def related_papers(
    paper: Paper, limit: int = 5, author_ids: Iterable[int] | None = None
) -> list[RelatedRow]:
    """The papers nearest to this one (``related_with_basis`` without the basis)."""
    return related_with_basis(paper, limit, author_ids)[0]


def related_with_basis(
    paper: Paper, limit: int = 5, author_ids: Iterable[int] | None = None
) -> tuple[list[RelatedRow], str]:
    """The papers nearest to this one by their vectors, with a boost for shared categories
    and authors (search/related.py): by meaning with an embedding model configured, by shared
    words without one. A paper not embedded yet gets papers sharing its authors, then recent
    papers of its primary category. The second value (RELATED_BY_…) says which it was.

    ``author_ids`` (in author order) saves a query when the caller has loaded them already.
    Only the columns the related list shows are loaded, as rows (``RelatedRow``), not model
    instances: building those cost more than the queries.
    """
    if author_ids is None:
        author_ids = (
            PaperAuthor.objects.filter(paper=paper)
            .order_by("position")
            .values_list("author_id", flat=True)[:RELATED_AUTHORS_LIMIT]
        )
    author_ids = list(author_ids)[:RELATED_AUTHORS_LIMIT]
    ids = related_ids(paper.pk, paper.categories.split(), author_ids, limit)
    if ids is None:
        return _related_by_authors_and_category(paper, limit, author_ids), RELATED_BY_AUTHORS
    rows = {row.pk: row for row in map(RelatedRow._make, _RELATED_ROWS.all(ids))}
    found = [rows[pk] for pk in ids if pk in rows]
    return found, RELATED_BY_MEANING if semantic_enabled() else RELATED_BY_WORDS


def _related_by_authors_and_category(
    paper: Paper, limit: int, author_ids: list[int]
) -> list[RelatedRow]:
    found: list[RelatedRow] = []
    if author_ids:
        found = [RelatedRow._make(row) for row in _sharing_authors(limit).all(paper.pk, author_ids)]
    if len(found) < limit and paper.primary_category:
        seen = [paper.pk, *(item.pk for item in found)]
        rows = _latest_in_category(limit - len(found)).all(paper.primary_category, seen)
        found += [RelatedRow._make(row) for row in rows]
    return found


@cache
def _sharing_authors(limit: int) -> PreparedQuery[Any]:
    return PreparedQuery(
        lambda paper_id, author_ids: (
            Paper.objects.filter(authorships__author_id__in=author_ids)
            .exclude(pk=paper_id)
            .annotate(shared=Count("authorships"))
            .order_by("-shared", F("announced_on").desc(nulls_last=True), "-arxiv_id")
            .values_list("pk", *RELATED_COLUMNS)[:limit]
        )
    )


@cache
def _latest_in_category(limit: int) -> PreparedQuery[Any]:
    return PreparedQuery(
        lambda category, seen: (
            Paper.objects.filter(primary_category=category, announced_on__isnull=False)
            .exclude(pk__in=seen)
            .order_by("-announced_on", "-arxiv_id")
            .values_list("pk", *RELATED_COLUMNS)[:limit]
        )
    )
