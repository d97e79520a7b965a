"""Weighted reciprocal rank fusion: one ranking from several, by rank alone.

Ranks, not scores, are fused because BM25 and cosine similarity have no common scale: a
paper at rank r of a list with weight w earns w / (K + r). The weights and K were chosen on
the relevance set (tests/relevance/, docs/benchmarks.md "Search") so that hybrid ranks no
worse than keyword alone there; a test keeps it so.
"""

from __future__ import annotations

from collections.abc import Sequence

# Chosen on the relevance set (bench/search.py relevance prints the grid; docs/benchmarks.md).
KEYWORD_WEIGHT = 1.0  # papers with every word (the keyword search itself)
ANY_WORDS_WEIGHT = 1.0  # BM25 over papers with some of the rarer words (any_words.py)
SEMANTIC_WEIGHT = 1.0  # nearest vectors
RANK_CONSTANT = 60


def fuse(
    rankings: Sequence[tuple[Sequence[int], float]], rank_constant: int = RANK_CONSTANT
) -> list[int]:
    """Ids of every ranking, best fused score first; ties keep the earlier ranking's order."""
    scores: dict[int, float] = {}
    first_seen: dict[int, tuple[int, int]] = {}
    for which, (ids, weight) in enumerate(rankings):
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (rank_constant + rank)
            first_seen.setdefault(item, (which, rank))
    return sorted(scores, key=lambda item: (-scores[item], first_seen[item]))
