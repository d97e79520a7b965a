"""Weighted reciprocal rank fusion: one ranking from several, by rank alone.

Ranks, not scores, are fused because BM25 and cosine similarity have no common scale: a
paper at rank r of a list with weight w earns w / (K + r). The weights and K were chosen on
the relevance set (tests/relevance/, docs/benchmarks.md "Search"); a test keeps hybrid
ranking no worse than keyword alone there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    every_word: float  # papers with every word (the keyword search itself)
    any_words: float  # papers with some of the rarer words, by the database's ranking
    semantic: float  # nearest vectors


# Chosen on the relevance set (`bench/search.py relevance-fixture` prints the grid; see
# docs/benchmarks.md). Per database, because their word rankings differ: SQLite's BM25
# alone finds the known paper about as well as MiniLM there, PostgreSQL's ts_rank_cd
# clearly less well, so it gets half the weight and meaning a little more.
WEIGHTS = {
    "sqlite": Weights(every_word=1.0, any_words=1.0, semantic=1.0),
    "postgresql": Weights(every_word=1.0, any_words=0.5, semantic=1.5),
}
DEFAULT_WEIGHTS = Weights(every_word=1.0, any_words=1.0, semantic=1.0)
RANK_CONSTANT = 10


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
