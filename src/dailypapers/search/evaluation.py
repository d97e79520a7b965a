"""Measure ranking quality on a relevance set: queries with the papers they should find.

The set in tests/relevance/ is ours: a made-up corpus of short papers and paraphrased
queries (never the papers' titles). MRR@10 rewards the first expected paper near the top;
recall@10 counts the expected papers found in the first ten. No Django here.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RELEVANCE_DIR = Path(__file__).parent / "tests" / "relevance"
CUTOFF = 10


@dataclass(frozen=True, slots=True)
class FixturePaper:
    arxiv_id: str
    category: str
    title: str
    abstract: str


@dataclass(frozen=True, slots=True)
class Judgement:
    query: str
    expected: tuple[str, ...]  # arXiv ids


@dataclass(frozen=True, slots=True)
class Scores:
    mrr: float
    recall: float
    queries: int

    def __str__(self) -> str:
        return f"MRR@10 {self.mrr:.3f}, recall@10 {self.recall:.3f} ({self.queries} queries)"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row for row in rows[1:] if row]


def corpus(folder: Path = RELEVANCE_DIR) -> list[FixturePaper]:
    return [FixturePaper(*row[:4]) for row in _rows(folder / "corpus.tsv")]


def judgements(folder: Path = RELEVANCE_DIR) -> list[Judgement]:
    return [Judgement(row[0], tuple(row[1:])) for row in _rows(folder / "queries.tsv")]


def score(ranked: list[str], expected: tuple[str, ...]) -> tuple[float, float]:
    """(reciprocal rank of the first expected paper in the top 10, share of expected found)."""
    top = ranked[:CUTOFF]
    reciprocal = next((1 / rank for rank, pk in enumerate(top, start=1) if pk in expected), 0.0)
    return reciprocal, len(set(top) & set(expected)) / len(expected)


def evaluate(run: Callable[[str], list[str]], judged: list[Judgement]) -> Scores:
    """Scores of ``run`` (a query in, arXiv ids out, best first) over ``judged``."""
    totals = [score(run(item.query), item.expected) for item in judged]
    return Scores(
        mrr=sum(rr for rr, _ in totals) / len(totals),
        recall=sum(found for _, found in totals) / len(totals),
        queries=len(totals),
    )
