"""Personal recommendations ("For you"), each with the reason it was picked.

What a member upvoted and saved to collections are the positives; random papers are the
negatives; a logistic regression over their features (lib/recommend.py: keywords always,
embeddings when the search app has them) scores the candidates. Papers in a followed topic
get a bonus, and a small trending prior breaks ties. A member with nothing to learn from
(cold start) gets what is trending in their categories: those of the papers they touched
and the topics they follow, else everything.

Candidates are the papers of the latest ``POOL_DAYS`` announcement days, or the ids a
caller passes (digests pass the new papers). Results for the pool are cached per member for
``RECOMMENDATIONS_CACHE_SECONDS``; the key holds everything the result depends on (their
votes, collections and topics, and the pool), so a new upvote shows at the next request.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings

from dailypapers.core.cache_guard import cache_get, cache_set
from dailypapers.feed import paper_features
from dailypapers.feed.models import CollectionItem, Topic, Vote
from dailypapers.feed.queries import latest_feed_day
from dailypapers.feed.topics import TopicError, papers_of
from dailypapers.lib.ranking import Standing, fallback_score
from dailypapers.lib.recommend import SparseRows, fit_logistic, nearest, tfidf, unit_dense
from dailypapers.papers.models import Paper

POOL_DAYS = 7  # calendar days back from the latest announcement day
POOL_LIMIT = 3000  # newest first; a week of four busy categories
MAX_POSITIVES = 300  # the most recent ones: tastes move
NEGATIVES_PER_POSITIVE = 4
MIN_NEGATIVES, MAX_NEGATIVES = 120, 400
TOPIC_BONUS = 0.35  # on a 0..1 model score: a followed topic counts for a lot
CATEGORY_BONUS = 0.2  # cold start: papers in the member's categories first
TRENDING_PRIOR = 0.05
COLD_TRENDING_PRIOR = 0.15
SIMILAR_ENOUGH = 0.03  # cosine below which "because you upvoted X" would not ring true
TITLE_CHARS = 80
USER_CATEGORIES = 5
COLD_START_TRENDING = 500  # trending papers of any day added to a cold start's candidates


@dataclass(frozen=True, slots=True)
class Recommendation:
    paper_id: int
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Signals:
    """What a member has told us about their taste, most recent first."""

    upvoted: list[int]
    collected: dict[int, str]  # paper id -> name of a collection holding it
    topics: list[Topic]

    @property
    def positives(self) -> list[int]:
        return list(dict.fromkeys([*self.upvoted, *self.collected]))[:MAX_POSITIVES]

    def fingerprint(self) -> str:
        parts = [*map(str, self.upvoted), "|", *map(str, sorted(self.collected)), "|"]
        parts += [f"{topic.pk}:{topic.query}:{','.join(topic.categories)}" for topic in self.topics]
        return hashlib.sha256(" ".join(parts).encode("utf-8")).hexdigest()[:24]


class _Candidate(NamedTuple):
    """A paper that may be recommended (a tuple: thousands are made per request)."""

    pk: int
    digest: str
    primary_category: str
    categories: tuple[str, ...]
    trending_score: float
    announced_on: date | None
    has_code: bool


def user_signals(user_id: int) -> Signals:
    upvoted = list(
        Vote.objects.filter(user_id=user_id)
        .order_by("-created_at", "-pk")
        .values_list("paper_id", flat=True)[:MAX_POSITIVES]
    )
    collected: dict[int, str] = {}
    items = (
        CollectionItem.objects.filter(collection__owner_id=user_id)
        .order_by("-added_at", "-pk")
        .values_list("paper_id", "collection__name")[:MAX_POSITIVES]
    )
    for paper_id, name in items:
        collected.setdefault(paper_id, name)
    topics = list(Topic.objects.filter(follows__user_id=user_id).order_by("name"))
    return Signals(upvoted=upvoted, collected=collected, topics=topics)


def user_categories(signals: Signals) -> list[str]:
    """A member's categories: the most frequent among what they touched and follow."""
    counts: Counter[str] = Counter()
    for topic in signals.topics:
        counts.update(dict.fromkeys(topic.categories, 3))
    rows = Paper.objects.filter(pk__in=signals.positives).values_list("categories", flat=True)
    for categories in rows:
        counts.update(categories.split()[:2])  # the primary and the first cross-list
    return [category for category, _ in counts.most_common(USER_CATEGORIES)]


_CANDIDATE_COLUMNS = (
    "pk", "content_hash", "primary_category", "categories", "trending_score", "announced_on",
    "has_code",
)  # fmt: skip


def _candidates(rows: Iterable[tuple[Any, ...]]) -> list[_Candidate]:
    return [
        _Candidate(pk, digest, primary, tuple(categories.split()), trending, day, code)
        for pk, digest, primary, categories, trending, day, code in rows
    ]


def candidate_pool() -> list[_Candidate]:
    """The papers of the latest days, newest first."""
    latest = latest_feed_day()
    if latest is None:
        return []
    since = latest - timedelta(days=POOL_DAYS - 1)
    rows = list(
        Paper.objects.filter(announced_on__gte=since)
        .order_by("-announced_on", "-pk")
        .values_list(*_CANDIDATE_COLUMNS)[:POOL_LIMIT]
    )
    # Members' submissions join the latest days whatever their own date (a separate query:
    # an OR across the join would keep the announcement index from serving the first).
    found = {row[0] for row in rows}
    submitted = (
        Paper.objects.filter(submission__feed_day__gte=since)
        .order_by("-submission__feed_day", "-pk")
        .values_list(*_CANDIDATE_COLUMNS)[:POOL_LIMIT]
    )
    rows += [row for row in submitted if row[0] not in found]
    return _candidates(rows)


def _given_candidates(ids: Sequence[int]) -> list[_Candidate]:
    wanted = list(dict.fromkeys(ids))
    rows = {
        row[0]: row for row in Paper.objects.filter(pk__in=wanted).values_list(*_CANDIDATE_COLUMNS)
    }
    return _candidates([rows[pk] for pk in wanted if pk in rows])


def _random_negatives(count: int, exclude: set[int], seed: int) -> list[int]:
    """About ``count`` random paper ids outside ``exclude``, the same ones for one seed."""
    # Two index look-ups; one aggregate of MIN and MAX would scan the table on SQLite.
    low = Paper.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Paper.objects.order_by("-pk").values_list("pk", flat=True).first()
    if low is None or high is None:
        return []
    rng = np.random.default_rng(seed)
    draws = rng.integers(low, high + 1, size=count * 2)
    wanted = [int(pk) for pk in dict.fromkeys(draws.tolist()) if pk not in exclude]
    found = set(Paper.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [pk for pk in wanted if pk in found][:count]


def _topic_matches(topics: Sequence[Topic], candidates: Sequence[_Candidate]) -> dict[int, str]:
    """Candidate id -> name of the first followed topic (by name) that holds it."""
    days = [candidate.announced_on for candidate in candidates if candidate.announced_on]
    since = min(days) if days else None
    wanted = {candidate.pk for candidate in candidates}
    matches: dict[int, str] = {}
    for topic in topics:
        try:
            found = papers_of(topic.query, topic.categories, limit=len(wanted), since=since)
        except TopicError:
            continue  # a stored query the search engine now refuses matches nothing
        for pk in found.ids:
            if pk in wanted:
                matches.setdefault(pk, topic.name)
    return matches


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


class _Learned:
    """A model trained for one member, and how to explain its picks."""

    def __init__(self, signals: Signals, candidates: Sequence[_Candidate], seed: int) -> None:
        self.positives = signals.positives
        self.signals = signals
        exclude = {*self.positives, *(candidate.pk for candidate in candidates)}
        wanted = min(max(NEGATIVES_PER_POSITIVE * len(self.positives), MIN_NEGATIVES),
                     MAX_NEGATIVES)  # fmt: skip
        negatives = _random_negatives(wanted, exclude, seed)
        candidate_ids = [candidate.pk for candidate in candidates]
        if not negatives:
            # A small site: every other paper is a candidate, so candidates stand in.
            rng = np.random.default_rng(seed)
            negatives = [int(pk) for pk in rng.permutation(candidate_ids)[:wanted]]
        self.scores: np.ndarray | None = None
        if negatives:
            self.scores = self._dense(negatives, candidate_ids)
            if self.scores is None:
                self.scores = self._keywords(negatives, candidates)

    def _fit(self, train: SparseRows | np.ndarray, n_negatives: int,
             candidate_rows: SparseRows | np.ndarray) -> np.ndarray:  # fmt: skip
        n_positive = len(self.positives)
        labels = np.concatenate([np.ones(n_positive), np.zeros(n_negatives)])
        model = fit_logistic(train, labels)
        if isinstance(train, np.ndarray):
            self.positive_rows: SparseRows | np.ndarray = unit_dense(train[:n_positive])
        else:
            self.positive_rows = train.take(np.arange(n_positive))
        self.candidate_rows = candidate_rows
        decision = model.decision(candidate_rows)
        return 1.0 / (1.0 + np.exp(-np.clip(decision, -30, 30)))

    def _keywords(self, negatives: list[int], candidates: Sequence[_Candidate]) -> np.ndarray:
        digests = {candidate.pk: candidate.digest for candidate in candidates}
        ids = [*self.positives, *negatives, *(candidate.pk for candidate in candidates)]
        rows = tfidf(paper_features.keyword_rows(ids, digests))
        n_train = len(self.positives) + len(negatives)
        train = rows.take(np.arange(n_train))
        return self._fit(train, len(negatives), rows.take(np.arange(n_train, rows.n_rows)))

    def _dense(self, negatives: list[int], candidate_ids: list[int]) -> np.ndarray | None:
        vectors_for = paper_features.embedding_source()
        if vectors_for is None:
            return None
        matrix, present = paper_features.dense_rows(
            vectors_for, [*self.positives, *negatives, *candidate_ids]
        )
        n_positive, n_train = len(self.positives), len(self.positives) + len(negatives)
        if matrix.shape[1] == 0 or not present[:n_positive].all():
            return None  # keywords explain every positive; half an embedding model would not
        kept_negatives = [
            pk for pk, ok in zip(negatives, present[n_positive:n_train], strict=True) if ok
        ]
        train = np.vstack(
            [matrix[:n_positive], matrix[n_positive:n_train][present[n_positive:n_train]]]
        )
        scores = self._fit(train, len(kept_negatives), matrix[n_train:])
        return np.where(present[n_train:], scores, 0.0)

    def reasons(self, rows: Sequence[int]) -> dict[int, str]:
        """Candidate row -> "because you upvoted …" for rows close enough to a positive."""
        if not rows:
            return {}
        if isinstance(self.candidate_rows, np.ndarray):
            picked: SparseRows | np.ndarray = unit_dense(self.candidate_rows[list(rows)])
        else:
            picked = self.candidate_rows.take(list(rows))
        best, similarity = nearest(picked, self.positive_rows)
        titles = dict(Paper.objects.filter(pk__in=self.positives).values_list("pk", "title"))
        upvoted = set(self.signals.upvoted)
        found: dict[int, str] = {}
        for row, positive_row, how_close in zip(rows, best, similarity, strict=True):
            if how_close < SIMILAR_ENOUGH:
                continue
            pk = self.positives[int(positive_row)]
            title = _short(titles.get(pk, ""))
            if pk in upvoted:
                found[row] = f"because you upvoted “{title}”"
            else:
                found[row] = f"because you saved “{title}” to {self.signals.collected[pk]}"
        return found


def _rank(
    signals: Signals, candidates: list[_Candidate], limit: int, seed: int
) -> list[Recommendation]:
    seen = set(signals.positives)
    candidates = [candidate for candidate in candidates if candidate.pk not in seen]
    if not candidates or limit <= 0:
        return []
    learned = _Learned(signals, candidates, seed) if signals.positives else None
    if learned is not None and learned.scores is None:
        learned = None  # nothing to contrast the liked papers with
    trending = np.maximum([candidate.trending_score for candidate in candidates], 0.0)
    if learned is None and not trending.any():
        # A cold start on a quiet site: the trending page's fallback stands in for votes.
        trending = _fallback_scores(candidates)
    top_trending = max(float(trending.max()), 1e-9)
    # Without a model, trending is most of what there is to go by.
    prior_weight = TRENDING_PRIOR if learned is not None else COLD_TRENDING_PRIOR
    scores = prior_weight * np.log1p(trending) / np.log1p(top_trending)
    if learned is not None and learned.scores is not None:
        scores += learned.scores
    else:
        mine = set(user_categories(signals))
        in_mine = [bool(mine.intersection(candidate.categories)) for candidate in candidates]
        scores += CATEGORY_BONUS * np.array(in_mine, dtype=float)
    matches = _topic_matches(signals.topics, candidates) if signals.topics else {}
    in_topic = [candidate.pk in matches for candidate in candidates]
    scores += TOPIC_BONUS * np.array(in_topic, dtype=float)
    # Ties keep the candidates' own order: newest first for the pool, the caller's otherwise.
    order = np.lexsort((np.arange(len(candidates)), -scores))[:limit]
    explained = learned.reasons([int(row) for row in order]) if learned is not None else {}
    picks: list[Recommendation] = []
    for row in order:
        candidate = candidates[int(row)]
        reason = explained.get(int(row))
        if reason is None and candidate.pk in matches:
            reason = f"in your topic “{matches[candidate.pk]}”"
        if reason is None:
            where = candidate.primary_category or "all categories"
            reason = f"trending in {where}" if candidate.trending_score > 0 else f"new in {where}"
        picks.append(Recommendation(candidate.pk, round(float(scores[int(row)]), 6), reason))
    return picks


def _fallback_scores(candidates: Sequence[_Candidate]) -> np.ndarray:
    """lib/ranking.py's fallback score of each candidate (submissions aside: not loaded)."""
    days = [candidate.announced_on for candidate in candidates if candidate.announced_on]
    newest = max(days, default=None)
    scores = []
    for candidate in candidates:
        age = (newest - candidate.announced_on).days if newest and candidate.announced_on else 0
        standing = Standing(False, candidate.has_code, len(candidate.categories) - 1, age)
        scores.append(fallback_score(standing))
    return np.array(scores, dtype=float)


def _cold_start_pool(pool: list[_Candidate]) -> list[_Candidate]:
    """Nothing to learn from: the recent papers and whatever is trending now, any day."""
    rows = (
        Paper.objects.filter(trending_score__gt=0)
        .order_by("-trending_score", "-pk")
        .values_list(*_CANDIDATE_COLUMNS)[:COLD_START_TRENDING]
    )
    recent = {candidate.pk for candidate in pool}
    return pool + [candidate for candidate in _candidates(rows) if candidate.pk not in recent]


def recommend_for_user(
    user_id: int, candidate_ids: list[int] | None = None, limit: int = 20
) -> list[Recommendation]:
    """The member's best ``limit`` papers among ``candidate_ids`` (recent days when None),
    best first, each with its reason. Papers they upvoted or saved are left out."""
    signals = user_signals(user_id)
    if candidate_ids is not None:
        seed = user_id
        return _rank(signals, _given_candidates(candidate_ids), limit, seed)
    pool = candidate_pool()
    if not signals.positives:
        pool = _cold_start_pool(pool)
    newest = max((candidate.announced_on for candidate in pool if candidate.announced_on),
                 default=None)  # fmt: skip
    pool_key = f"{newest}:{len(pool)}:{max((c.pk for c in pool), default=0)}"
    key = f"recommend:{user_id}:{signals.fingerprint()}:{pool_key}:{limit}"
    cached = cache_get(key)  # guarded: with the cache down, rank afresh
    if cached is not None:
        return [Recommendation(*item) for item in cached]
    seed = user_id * 100_003 + (newest.toordinal() if newest else 0)
    picks = _rank(signals, pool, limit, seed)
    timeout = settings.RECOMMENDATIONS_CACHE_SECONDS
    if timeout > 0:
        cache_set(key, [(pick.paper_id, pick.score, pick.reason) for pick in picks], timeout)
    return picks
