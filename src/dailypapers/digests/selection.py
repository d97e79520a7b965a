"""Which papers each subscriber gets: new since their last digest, never sent before, ranked.

A run's candidate papers (the last few announcement days) are loaded once per worker
process and shared by every subscriber; ranking a subscriber is then a walk down a ranked
list, skipping what they were already sent. Topics and personal scores come from the feed
app; a personal digest without an account, or whose scores fail, falls back to trending in
the subscriber's categories, so a digest is always sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dailypapers.digests.models import DigestRun, Subscriber
from dailypapers.feed.models import Submission
from dailypapers.feed.recommend import recommend_for_user
from dailypapers.feed.topics import topic_paper_ids
from dailypapers.feed.trending import current_signal
from dailypapers.lib.query import canonical_category
from dailypapers.lib.ranking import Standing, fallback_score
from dailypapers.papers.models import Paper

logger = logging.getLogger(__name__)

# However long a subscriber was away, a digest reaches back at most this far.
MAX_LOOKBACK_DAYS = 7
# The personal scorer ranks this many of the most trending new papers (the subscriber's
# categories first when they chose some): its cost grows with the candidates, and a run
# scores every personal subscriber.
PERSONAL_CANDIDATES = 200
ABSTRACT_CHARS = 300


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    upvotes: int
    trending_score: float
    categories: frozenset[str]
    day: date
    code_url: str


@dataclass(frozen=True, slots=True)
class SubscriberChoice:
    """The fields of a subscriber that selection and rendering need (loaded in bulk)."""

    id: int
    email: str
    link_key: str
    content: str
    frequency: str
    categories: tuple[str, ...]
    topic_ids: tuple[int, ...]
    top_n: int
    user_id: int | None
    covered_until: date | None

    FIELDS = (
        "id", "email", "link_key", "content", "frequency", "categories", "topic_ids",
        "top_n", "user_id", "covered_until",
    )  # fmt: skip

    @classmethod
    def from_row(cls, row: dict) -> SubscriberChoice:
        return cls(
            id=row["id"],
            email=row["email"],
            link_key=row["link_key"],
            content=row["content"],
            frequency=row["frequency"],
            # Rows saved before categories were canonicalised may hold "cs.lg".
            categories=tuple(canonical_category(c) or c for c in row["categories"] or ()),
            topic_ids=tuple(int(t) for t in row["topic_ids"] or ()),
            top_n=max(1, int(row["top_n"] or 10)),
            user_id=row["user_id"],
            covered_until=row["covered_until"],
        )


def _short(text: str, limit: int = ABSTRACT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


class RunPapers:
    """The candidate papers of one run, ranked by trending, with per-topic lists cached."""

    def __init__(self, run: DigestRun) -> None:
        self.latest_day = run.latest_day
        self.ranked: list[Candidate] = []
        self.by_id: dict[int, Candidate] = {}
        # (topic, first day) -> (the limit it was ranked to, its papers)
        self._topic_lists: dict[tuple[int, date], tuple[int, list[int]]] = {}
        self.signal_note = ""  # what ranked the list when votes are thin (feed/trending.py)
        if self.latest_day is None:
            return
        self.oldest_day = self.latest_day - timedelta(days=MAX_LOOKBACK_DAYS - 1)
        rows = (
            Paper.objects.filter(
                announced_on__gte=self.oldest_day, announced_on__lte=self.latest_day
            ).values_list(
                "id",
                "arxiv_id",
                "title",
                "author_names",
                "abstract",
                "upvote_count",
                "trending_score",
                "categories",
                "announced_on",
                "code_links",
                "has_code",
            )  # fmt: skip
        )
        # Scored papers first; then, for the many without votes, the published fallback
        # (lib/ranking.py), as on the trending page, rather than an arbitrary order.
        self.signal = current_signal()
        self.signal_note = self.signal.note
        submitted = set(
            Submission.objects.filter(paper__announced_on__gte=self.oldest_day).values_list(
                "paper_id", flat=True
            )
        )
        ranked_rows = []
        for row in rows:
            pid, cats, day, has_code = row[0], row[7], row[8], row[10]
            assert day is not None  # announced_on__gte above leaves out undated papers
            standing = Standing(
                submitted=pid in submitted,
                has_code=has_code,
                cross_lists=len(cats.split()) - 1,
                age_days=(self.latest_day - day).days,
            )
            ranked_rows.append((-row[6], -row[5], -fallback_score(standing), -pid, row))
        ranked_rows.sort(key=lambda item: item[:4])
        for *_, row in ranked_rows:
            pid, arxiv_id, title, authors, abstract, votes, score, cats, day, code, _ = row
            assert day is not None  # as above
            candidate = Candidate(
                id=pid,
                arxiv_id=arxiv_id,
                title=" ".join(title.split()),
                authors=tuple(authors or ()),
                abstract=_short(abstract),
                upvotes=votes,
                trending_score=score,
                categories=frozenset(cats.split()),
                day=day,
                code_url=code[0] if code else "",
            )
            self.ranked.append(candidate)
            self.by_id[pid] = candidate

    def window_start(self, subscriber: SubscriberChoice) -> date | None:
        """First announcement day this subscriber's next digest covers; None: nothing new."""
        if self.latest_day is None:
            return None
        if subscriber.covered_until is not None:
            start = subscriber.covered_until + timedelta(days=1)
        elif subscriber.frequency == "weekly":
            start = self.latest_day - timedelta(days=6)
        else:
            start = self.latest_day
        start = max(start, self.oldest_day)
        return start if start <= self.latest_day else None

    def topic_list(self, topic_id: int, start: date, limit: int) -> list[int]:
        """The topic's best papers from ``start`` on, at least ``limit`` when it has them."""
        key = (topic_id, start)
        cached = self._topic_lists.get(key)
        # Subscribers ask for different lengths: a shorter list ranked for someone else
        # is reused only when it already holds every paper of the topic.
        if cached is None or (cached[0] < limit and len(cached[1]) >= cached[0]):
            ids: list[int] = []
            try:
                ids = list(topic_paper_ids(topic_id, start, limit))
            except Exception:  # a broken or deleted topic must not stop a whole chunk
                logger.exception("topic %s could not be ranked", topic_id)
            cached = self._topic_lists[key] = (limit, ids)
        return cached[1]


def _take(
    ids: Iterable[int], papers: RunPapers, start: date, sent: set[int], n: int, picked: list[int]
) -> None:
    for paper_id in ids:
        if len(picked) >= n:
            return
        candidate = papers.by_id.get(paper_id)
        if candidate is None or candidate.day < start or paper_id in sent or paper_id in picked:
            continue
        picked.append(paper_id)


def _trending(
    papers: RunPapers, start: date, sent: set[int], n: int, categories: tuple[str, ...]
) -> list[int]:
    wanted = frozenset(categories)
    picked: list[int] = []
    for candidate in papers.ranked:
        if candidate.day < start or candidate.id in sent:
            continue
        if wanted and not (candidate.categories & wanted):
            continue
        picked.append(candidate.id)
        if len(picked) >= n:
            break
    return picked


def choose(subscriber: SubscriberChoice, papers: RunPapers, sent: set[int]) -> list[int]:
    """The ids of the papers for this subscriber's digest, best first; [] means no email."""
    start = papers.window_start(subscriber)
    if start is None:
        return []
    n = subscriber.top_n
    if subscriber.content == Subscriber.Content.TOPICS:
        picked: list[int] = []
        lists = [papers.topic_list(t, start, n + len(sent) + 50) for t in subscriber.topic_ids]
        # Round robin over the topics, so every chosen topic gets its best papers in.
        for rank in range(max((len(ids) for ids in lists), default=0)):
            _take((ids[rank] for ids in lists if rank < len(ids)), papers, start, sent, n, picked)
            if len(picked) >= n:
                return picked
        if subscriber.categories and len(picked) < n:
            extra = _trending(
                papers, start, sent | set(picked), n - len(picked), subscriber.categories
            )
            picked.extend(extra)
        return picked
    if subscriber.content == Subscriber.Content.PERSONAL and subscriber.user_id is not None:
        window = _trending(papers, start, sent, PERSONAL_CANDIDATES, subscriber.categories)
        if subscriber.categories and len(window) < PERSONAL_CANDIDATES:
            more = PERSONAL_CANDIDATES - len(window)
            window += _trending(papers, start, sent | set(window), more, ())
        if not window:
            return []
        try:
            recommendations = recommend_for_user(subscriber.user_id, candidate_ids=window, limit=n)
        except Exception:  # fall back to trending rather than send nothing
            logger.exception("personal scores failed for user %s", subscriber.user_id)
        else:
            picked = []
            _take((r.paper_id for r in recommendations), papers, start, sent, n, picked)
            if picked:
                return picked
    return _trending(papers, start, sent, n, subscriber.categories)
