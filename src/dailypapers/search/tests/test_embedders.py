"""Embedders and the nearest-neighbour index: pure numpy, no database, no model download."""

from __future__ import annotations

import numpy as np
import pytest

from dailypapers.lib.query import parse
from dailypapers.search import ann
from dailypapers.search.embedders import (
    EmbedderUnavailable,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    paper_text,
    query_text,
)


def test_lexical_vectors_have_unit_length_and_an_empty_text_gives_zeros():
    vectors = LexicalEmbedder().embed(["Graph neural networks for molecules", "", "the of and"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert not vectors[1].any() and not vectors[2].any()


def test_lexical_vectors_are_closer_for_texts_sharing_words_in_other_forms():
    first, similar, other = LexicalEmbedder().embed(
        ["Training graph networks", "A graph network trained on molecules", "Bird migration"]
    )
    assert first @ similar > 0.3 > abs(first @ other)


def test_the_same_text_always_gets_the_same_lexical_vector():
    assert np.array_equal(LexicalEmbedder().embed(["x ray"]), LexicalEmbedder().embed(["x ray"]))


def test_a_paper_is_embedded_as_title_then_abstract_and_a_query_as_its_words():
    assert paper_text(" A title ", "An abstract. ") == "A title. An abstract."
    assert paper_text("Only a title", "  ") == "Only a title"
    assert query_text(parse('diffusion "image synthesis" author:Ho cat:cs.CV')) == (
        "diffusion image synthesis"
    )


def test_a_model_that_is_not_on_disk_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(EmbedderUnavailable) as refused:
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"), device="cpu")
    assert "no-such-model" in str(refused.value)


def test_top_k_gives_the_highest_scores_first_and_lower_positions_on_ties():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.2])
    assert ann.top_k(scores, 3).tolist() == [1, 3, 2]
    assert ann.top_k(scores, 10).tolist() == [1, 3, 2, 4, 0]
    assert ann.top_k(scores, 0).tolist() == []


def clustered(n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    points = centres[rng.integers(0, 50, n)] + rng.normal(0, 1.0, (n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_the_inverted_file_finds_at_least_95_percent_of_the_exact_top_ten():
    vectors = clustered(20_000, 32, seed=1)
    layout = ann.build_ivf(vectors)
    laid_out = vectors[layout.order]
    tuning = clustered(100, 32, seed=2)
    ann.tune_nprobe(layout, laid_out, tuning)
    assert layout.nprobe < len(layout.centres)  # it did not simply scan everything
    queries = clustered(100, 32, seed=3)  # not the tuning queries
    exact = [ann.top_k(laid_out @ query, 10) for query in queries]
    approximate = [ann.search_ivf(layout, laid_out, query, 10)[0] for query in queries]
    assert ann.recall_at(exact, approximate) >= 0.95


def test_every_vector_lands_in_exactly_one_cluster():
    vectors = clustered(3_000, 16, seed=4)
    layout = ann.build_ivf(vectors)
    assert sorted(layout.order.tolist()) == list(range(3_000))
    assert layout.offsets[0] == 0 and layout.offsets[-1] == 3_000
