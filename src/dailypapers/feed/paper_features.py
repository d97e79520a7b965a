"""Feature rows of papers for the recommender, kept in a per-process cache.

Keyword features (lib/recommend.py) cost about 30 µs a paper to compute; the candidate pool
is the same few thousand recent papers for every reader, so each process keeps them, keyed
by paper id and content digest (a new version of a paper gets new features). Hashed
indices are stable only within a process, which is why the cache is not shared.

Embeddings come from the search app when it has them; see ``embedding_source``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from dailypapers.lib.recommend import PaperText, SparseRows, paper_features, rows_of
from dailypapers.papers.models import Paper
from dailypapers.search.semantic import semantic_enabled, vectors_for

logger = logging.getLogger(__name__)

CACHE_PAPERS = 20_000  # about 2 kB each: a week of four busy categories, twice over
Features = tuple[np.ndarray, np.ndarray]
_cache: OrderedDict[tuple[int, str], Features] = OrderedDict()
_lock = threading.Lock()


def _remember(key: tuple[int, str], features: Features) -> None:
    with _lock:
        _cache[key] = features
        _cache.move_to_end(key)
        while len(_cache) > CACHE_PAPERS:
            _cache.popitem(last=False)


def keyword_rows(ids: Sequence[int], digests: dict[int, str] | None = None) -> SparseRows:
    """Hashed keyword counts of these papers, one row each in the order given.

    ``digests`` (paper id -> content digest) are the ones the caller has loaded already;
    the others are looked up. A paper that no longer exists gets an empty row.
    """
    digests = dict(digests or {})
    unknown = [pk for pk in ids if pk not in digests]
    if unknown:
        digests.update(Paper.objects.filter(pk__in=unknown).values_list("pk", "content_hash"))
    found: dict[int, Features] = {}
    missing: list[int] = []
    with _lock:
        for pk in ids:
            cached = _cache.get((pk, digests.get(pk, "")))
            if cached is None:
                missing.append(pk)
            else:
                found[pk] = cached
    if missing:
        rows = Paper.objects.filter(pk__in=missing).values_list(
            "pk", "content_hash", "title", "abstract", "categories", "author_names"
        )
        for pk, digest, title, abstract, categories, authors in rows:
            text = PaperText(title, abstract, categories.split(), list(authors or ()))
            features = paper_features(text)
            found[pk] = features
            _remember((pk, digest), features)
    empty: Features = (np.zeros(0, dtype=np.int64), np.zeros(0))
    return rows_of([found.get(pk, empty) for pk in ids])


def clear_cache() -> None:
    with _lock:
        _cache.clear()


VectorsFor = Callable[[list[int]], dict[int, np.ndarray]]


def embedding_source() -> VectorsFor | None:
    """``vectors_for`` of the search app's semantic layer when it is switched on.

    The semantic layer is optional (it needs a model); without one, or when it fails, the
    recommender works from keywords alone.
    """
    try:
        return vectors_for if semantic_enabled() else None
    except Exception:  # a broken model must not take the For you page down with it
        logger.exception("semantic_enabled() failed; recommending from keywords")
        return None


def dense_rows(vectors_for: VectorsFor, ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of these papers (zeros where one has none) and which ones have one."""
    try:
        vectors = vectors_for(list(ids))
    except Exception:
        logger.exception("vectors_for() failed; recommending from keywords")
        return np.zeros((len(ids), 0)), np.zeros(len(ids), dtype=bool)
    present = np.array([pk in vectors for pk in ids], dtype=bool)
    if not present.any():
        return np.zeros((len(ids), 0)), present
    width = len(next(iter(vectors.values())))
    matrix = np.zeros((len(ids), width))
    for row, pk in enumerate(ids):
        vector = vectors.get(pk)
        if vector is not None and len(vector) == width:
            matrix[row] = vector
        else:
            present[row] = False
    return matrix, present
