"""Embedders and data for tests of the semantic layer, none of which needs PyTorch.

``FixtureEmbedder`` answers with the all-MiniLM-L6-v2 vectors that relevance/make_vectors.py
saved for the relevance corpus and queries; any other text is an error, so a test can never
silently embed something the file lacks.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from dailypapers.lib.query import words_of
from dailypapers.lib.records import PaperRecord
from dailypapers.papers.ingest.pipeline import IngestReport, ingest
from dailypapers.search.evaluation import RELEVANCE_DIR, corpus

VECTORS = RELEVANCE_DIR / "vectors.npz"


def _key(text: str) -> str:
    return " ".join(words_of(text.lower()))


class FixtureEmbedder:
    def __init__(self) -> None:
        saved = np.load(VECTORS, allow_pickle=False)
        self.name = str(saved["model"])
        pairs = zip(saved["texts"], saved["vectors"], strict=True)
        self.vectors = {_key(str(text)): vector.astype(np.float32) for text, vector in pairs}
        self.dim = int(saved["vectors"].shape[1])
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        missing = [text for text in texts if _key(text) not in self.vectors]
        if missing:
            raise KeyError(f"no saved vector for {missing[0][:80]!r}; run make_vectors.py")
        return (
            np.stack([self.vectors[_key(text)] for text in texts])
            if texts
            else np.zeros((0, self.dim), dtype=np.float32)
        )


FIRST_DAY = date(2026, 1, 5)


def store_relevance_corpus() -> None:
    """The relevance corpus as papers, one announcement day per ten, every third with code."""
    records = [
        PaperRecord(
            arxiv_id=paper.arxiv_id,
            title=paper.title,
            abstract=paper.abstract,
            authors=[f"Author {number % 17}", f"Writer {number % 11}"],
            categories=[paper.category],
            announced_on=FIRST_DAY + timedelta(days=number // 10),
            comments="Code: https://github.com/example/code" if number % 3 == 0 else "",
        )
        for number, paper in enumerate(corpus())
    ]
    ingest(records, IngestReport("test"))
