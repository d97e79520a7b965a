"""With the search app's vectors, the scorer learns from meaning rather than shared words."""

from __future__ import annotations

import numpy as np
import pytest

from dailypapers.feed.recommend import recommend_for_user
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import (
    TITLED_DAY,
    arxiv_ids,
    make_user,
    make_votes,
    store_titled_paper,
)

semantic = pytest.importorskip("dailypapers.search.semantic")
embedding = pytest.importorskip("dailypapers.search.embedding")
pytestmark = pytest.mark.django_db

# Word stems of each direction of the test embedder: chemistry and biology share one.
DIRECTIONS = (("molecul", "protein", "chemi", "enzyme"), ("graph",), ("halo", "galax"))


class MeaningEmbedder:
    """Four dimensions: life sciences, graphs, astronomy, and a constant."""

    name = "test-meaning"
    dim = 4

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            lowered = text.lower()
            row = [sum(lowered.count(stem) for stem in stems) for stems in DIRECTIONS]
            rows.append([*row, 0.1])
        matrix = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_a_paper_close_in_meaning_beats_one_that_only_shares_a_word():
    liked = store_titled_paper("2501.00001", "Molecules as graphs", day=TITLED_DAY.replace(month=1))
    for number, title in enumerate(["Dark halos", "Galaxy halos", "Halo mass"], start=2):
        store_titled_paper(
            f"2501.0000{number}", title, day=TITLED_DAY.replace(month=1), categories=["astro-ph.GA"]
        )
    store_titled_paper(
        "2503.00001", "Folding of enzyme and protein chains", abstract="Enzyme kinetics."
    )
    store_titled_paper(
        "2503.00002", "Graph coloring bounds", abstract="Coloring of graph vertices."
    )
    store_titled_paper("2503.00003", "Galaxy halo shapes", categories=["astro-ph.GA"])
    ada = make_user()
    make_votes(ada, liked)
    embedder = MeaningEmbedder()
    with semantic.use_embedder(embedder):
        embedding.embed_papers(Paper.objects.values_list("pk", flat=True), embedder)
        assert semantic.semantic_enabled()
        picks = recommend_for_user(ada.pk)
    assert arxiv_ids([pick.paper_id for pick in picks])[0] == "2503.00001"
    assert picks[0].reason == "because you upvoted “Molecules as graphs”"
    # The same papers without vectors: keywords see only the shared word "graph".
    keyword_picks = recommend_for_user(ada.pk, candidate_ids=[p.paper_id for p in picks])
    assert arxiv_ids([pick.paper_id for pick in keyword_picks])[0] == "2503.00002"
